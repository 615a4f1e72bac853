package dev.batchline.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every active batch of the local provider on a small pool of threads, each batch one step at a time, and
 * resumes the active ones after a restart.
 */
final class BatchRunner implements AutoCloseable {

    private final LocalProviderSettings settings;
    private final BatchStore batches;
    private final FileStore files;
    private final Model model;
    private final Clock clock;
    private final Path runsDir;
    private final BatchInputCheck inputCheck;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Stepper> steppers = new ConcurrentHashMap<>();

    private volatile String holdStatus;
    private volatile int expireAfterRequests;

    BatchRunner(LocalProviderSettings settings, BatchStore batches, FileStore files, Model model, Clock clock,
                Path runsDir) throws IOException {
        this.settings = settings;
        this.batches = batches;
        this.files = files;
        this.model = model;
        this.clock = clock;
        this.runsDir = Files.createDirectories(runsDir);
        this.inputCheck = new BatchInputCheck(settings.maxRequestsPerBatch(), settings.maxBatchFileBytes(),
                settings.unknownModels());
        this.holdStatus = settings.holdStatus();
        this.expireAfterRequests = settings.expireAfterRequests();
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(
                Math.max(2, Runtime.getRuntime().availableProcessors()), task -> {
                    Thread thread = new Thread(task, "local-provider-batch-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.setRemoveOnCancelPolicy(true);
        this.scheduler = Executors.unconfigurableScheduledExecutorService(pool);
    }

    /** Picks up every batch that was active when the provider stopped. */
    void resume() {
        for (Batch batch : batches.all()) {
            if (batch.active()) {
                run(batch);
            }
        }
    }

    void run(Batch batch) {
        steppers.computeIfAbsent(batch.id, id -> {
            BatchRun run = new BatchRun(batch, this, runsDir, clock);
            return new Stepper(scheduler, "batch " + id, () -> {
                long next = run.step();
                if (next < 0 && !batch.active()) {
                    steppers.remove(id);
                }
                return next;
            });
        }).wakeIn(0);
    }

    void wakeAll() {
        for (Batch batch : batches.all()) {
            if (batch.active()) {
                run(batch);
            }
        }
    }

    void hold(String status) {
        this.holdStatus = status;
        wakeAll();
    }

    void expireAfterRequests(int requests) {
        this.expireAfterRequests = requests;
        wakeAll();
    }

    String holdStatus() {
        return holdStatus;
    }

    int expireAfterRequests() {
        return expireAfterRequests;
    }

    LocalProviderSettings settings() {
        return settings;
    }

    FileStore files() {
        return files;
    }

    Model model() {
        return model;
    }

    BatchInputCheck inputCheck() {
        return inputCheck;
    }

    void save(Batch batch) {
        batches.save(batch);
    }

    @Override
    public void close() throws InterruptedException {
        steppers.values().forEach(Stepper::stop);
        scheduler.shutdownNow();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}
