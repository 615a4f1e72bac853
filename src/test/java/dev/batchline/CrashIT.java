package dev.batchline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 anywhere: the packaged application works through a generated workload of many sources while it is
 * killed with SIGKILL at random moments and restarted each time. At the end, the local provider's own records
 * (it runs in this JVM and survives every kill) are checked: every input record has exactly one result line in
 * input order, no outbox file is partial, no batch was created twice and no request ran twice.
 *
 * <p>Short by default (20 kills); {@code -Dcrash.kills=100 -Dcrash.sources=40} for a longer run, and
 * {@code -Dcrash.seed=N} to replay one ({@code bench/crash-test} runs it).
 */
class CrashIT {

    /** When a kill comes: some time after the start, or just after a log line that opens a step. */
    private static final String[] MOMENTS = {"any time", "Taking ", "Sealed batch", "Submitted batch",
        "Filed the results", "Delivered source"};

    @TempDir
    Path workingDir;

    @TempDir
    Path providerDir;

    @Test
    void should_lose_nothing_and_repeat_nothing_when_killed_at_random_moments() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int kills = Integer.getInteger("crash.kills", 20);
        int sourceCount = Integer.getInteger("crash.sources", 16);
        Random random = new Random(seed);
        System.out.println("Crash test seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");

        StandaloneProvider provider = provider();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Workload> sources = Workload.sources(sourceCount, random);
            int dropped = 0;
            Map<String, Integer> seen = new HashMap<>();
            Map<String, Integer> moments = new HashMap<>();
            for (int kill = 1; kill <= kills; kill++) {
                if (dropped < sources.size()) {
                    sources.get(dropped++).drop(workingDir);
                }
                try (JarProcess jar = start(provider)) {
                    // kill at a random moment: some time after the start, or just after a step begins
                    String moment = MOMENTS[random.nextInt(MOMENTS.length)];
                    long delay = moment.equals("any time") ? 500 + random.nextInt(3000) : random.nextInt(150);
                    jar.killAfter(moment, delay, killer);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                            .until(() -> !jar.alive());
                    moments.merge(moment, 1, Integer::sum);
                    count(jar.output(), seen);
                }
            }
            while (dropped < sources.size()) {
                sources.get(dropped++).drop(workingDir);
            }
            try (JarProcess jar = start(provider)) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                        sources.stream().allMatch(source -> source.delivered(workingDir)));
                jar.stop();
                count(jar.output(), seen);
            }

            int records = sources.stream().mapToInt(source -> source.ids().size()).sum();
            int lost = 0;
            int duplicated = 0;
            for (Workload source : sources) {
                lost += source.lost(workingDir);
                duplicated += source.duplicated(workingDir);
            }
            StandaloneProvider.Audit audit = provider.audit();
            try (Stream<Path> outboxFiles = Files.list(workingDir.resolve("outbox"))) {
                assertThat(outboxFiles.map(path -> path.getFileName().toString()))
                        .as("no partial outbox files").noneMatch(name -> name.startsWith("."));
            }
            String summary = String.format("Crash test: seed %d, %d kills, %d sources, %d records, %d provider"
                                           + " batches; lost %d, duplicated %d, batches created twice %d, requests"
                                           + " answered twice %d. Killed after: %s. Recoveries seen: %s", seed,
                    kills, sourceCount, records, audit.batches(), lost, duplicated, audit.doubleCreated(),
                    audit.doubleAnswered(), moments, seen);
            System.out.println(summary);
            Files.writeString(Path.of("target", "crash-test-summary.txt"), summary + "\n");
            assertThat(lost).as("lost records").isZero();
            assertThat(duplicated).as("duplicated result lines").isZero();
            assertThat(audit.doubleCreated()).as("batches created twice").isZero();
            assertThat(audit.doubleAnswered()).as("requests answered twice").isZero();
        } finally {
            killer.shutdownNow();
            provider.close();
        }
    }

    /** What the restarts had to recover, as the log says it: evidence that the kills hit every step. */
    private static void count(String output, Map<String, Integer> seen) {
        Map<String, String> events = Map.of("sources resumed mid-file", "Resuming source",
                "open batches reopened", "Reopened batch", "lost creations found", "its creation had succeeded",
                "files seen again", "was taken already");
        events.forEach((event, text) -> {
            int count = output.split(java.util.regex.Pattern.quote(text), -1).length - 1;
            if (count > 0) {
                seen.merge(event, count, Integer::sum);
            }
        });
    }

    private StandaloneProvider provider() {
        // every full batch expires part way, so resubmission runs under the kills too
        return StandaloneProvider.start(providerDir, "batchline.local.validating-delay=50ms",
                "batchline.local.finalizing-delay=50ms", "batchline.local.fault.expire-after-requests=150",
                "batchline.local.fault.rate-500=0.02", "batchline.local.fault.rate-lost-response=0.02");
    }

    private JarProcess start(StandaloneProvider provider) throws IOException {
        return JarProcess.start(workingDir, Workload.applicationOptions(provider));
    }
}
