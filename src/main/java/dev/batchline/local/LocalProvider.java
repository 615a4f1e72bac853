package dev.batchline.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batchline's local provider: an OpenAI-compatible Files, Batches and real-time API on loopback, executing requests
 * with the offline model (or an upstream server), keeping its state on disk under its data folder. Runs inside the
 * application or alone ({@code java -jar batchline.jar local-provider}).
 */
public final class LocalProvider implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(LocalProvider.class);

    static {
        // without it the JDK server waits for delayed ACKs between the headers and the body of small answers
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final LocalProviderSettings settings;
    private final Clock clock;

    private HttpServer server;
    private ProviderApi api;
    private BatchRunner runner;
    private ThreadPoolExecutor executor;
    private ScheduledThreadPoolExecutor timer;
    private volatile Faults faults;

    public LocalProvider(LocalProviderSettings settings) {
        this(settings, Clock.systemUTC());
    }

    LocalProvider(LocalProviderSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.faults = settings.faults();
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            open();
        } catch (BindException e) {
            throw new IllegalStateException("The local provider cannot listen on " + settings.host() + ":"
                                            + settings.port() + " (" + e.getMessage() + "). Set batchline.local.port"
                                            + " to a free port, or 0 to pick any.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("The local provider cannot start with its data in "
                                           + settings.dataDir().toAbsolutePath(), e);
        }
        LOG.info("Local provider listening on {} ({})", baseUrl(), settings);
    }

    private void open() throws IOException {
        FileStore files = new FileStore(settings.dataDir().resolve("files"), clock);
        BatchStore batches = new BatchStore(settings.dataDir().resolve("batches"));
        Model model = settings.upstreamUrl() != null
                ? new UpstreamModel(settings.upstreamUrl(), settings.upstreamApiKey())
                : new OfflineModel(new Tokenizer(), settings.contextWindow(), clock);
        runner = new BatchRunner(settings, batches, files, model, clock, settings.dataDir().resolve("runs"));
        executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("local-provider-http-"));
        executor.allowCoreThreadTimeOut(true);
        timer = new ScheduledThreadPoolExecutor(1, daemonThreads("local-provider-timer-"));
        api = new ProviderApi(settings, files, batches, runner, model, () -> faults, clock, timer, executor);
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 1024);
        } catch (IOException e) {
            closeRunner();
            timer.shutdownNow();
            executor.shutdownNow();
            throw e;
        }
        server.createContext("/", api);
        server.setExecutor(executor);
        server.start();
        runner.resume();
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        closeRunner();
        timer.shutdownNow();
        executor.shutdownNow();
        server = null;
        LOG.info("Local provider stopped");
    }

    private void closeRunner() {
        try {
            runner.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The base URL clients use, such as {@code http://127.0.0.1:8089/v1}. */
    public synchronized String baseUrl() {
        if (server == null) {
            throw new IllegalStateException("The local provider is not running");
        }
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" : settings.host();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + server.getAddress().getPort() + "/v1";
    }

    public synchronized int port() {
        return server.getAddress().getPort();
    }

    /** HTTP requests received since the provider started, for benchmarks that count a client's calls. */
    public long requestsServed() {
        return api.requests();
    }

    /** Stops new work of batches in the given status (a stuck batch) until {@link #release()}. */
    public void hold(String status) {
        if (!LocalProviderSettings.HOLDABLE.contains(status)) {
            throw new IllegalArgumentException("Cannot hold batches in '" + status + "'; holdable: "
                                               + LocalProviderSettings.HOLDABLE);
        }
        runner.hold(status);
    }

    public void release() {
        runner.hold(null);
    }

    /** Makes batches expire once they ran this many requests; negative turns early expiry off. */
    public void expireAfterRequests(int requests) {
        runner.expireAfterRequests(requests);
    }

    /** Replaces the faults injected into HTTP requests. */
    public void injectFaults(Faults faults) {
        this.faults = faults;
    }

    public LocalProviderSettings settings() {
        return settings;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
