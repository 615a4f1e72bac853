package dev.batchline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.batchline.PostgresServer;
import dev.batchline.work.WorkFolder;

/**
 * Instances sharing one PostgreSQL store, each a {@code java -jar target/batchline.jar} process, with one standalone
 * local provider (offline model at full speed) for all: how many records per second one, two and three instances
 * turn from a dropped workload into outbox summaries, and how long a living instance takes to take over the work of
 * one killed with SIGKILL mid-run. Prints {@code instancesN=records/s}, {@code takeover=s} and {@code finished=s}.
 *
 * <p>Arguments: a folder, the records, the files they are spread over, the lease in seconds.
 */
public final class ClusterRun {

    private final Path dir;
    private final Path jar;
    private final int leaseSeconds;
    private int files;
    /** The summaries seen so far in a scenario: part-1 to part-seen. */
    private int seen;

    ClusterRun(Path dir, int leaseSeconds) {
        this.dir = dir;
        this.jar = Path.of(System.getProperty("batchline.jar", "target/batchline.jar")).toAbsolutePath();
        this.leaseSeconds = leaseSeconds;
    }

    public static void main(String[] args) throws Exception {
        ClusterRun run = new ClusterRun(Path.of(args[0]), Integer.parseInt(args[3]));
        int records = Integer.parseInt(args[1]);
        int files = Integer.parseInt(args[2]);
        for (int instances = 1; instances <= 3; instances++) {
            double seconds = run.scenario("cluster-" + instances, instances, false, true, records, files)[0];
            System.out.printf(Locale.ROOT, "instances%d=%.1f seconds%d=%.2f%n", instances, records / seconds,
                    instances, seconds);
        }
        double[] takeover = run.scenario("cluster-2-kill", 2, true, true, records, files);
        System.out.printf(Locale.ROOT, "takeover=%.2f finished=%.2f%n", takeover[1], takeover[2]);
    }

    /**
     * Drops {@code records} records in {@code files} files into the inbox of {@code count} instances (sharing a
     * PostgreSQL store, or one instance on its embedded store) and waits for every summary: returns the seconds from
     * the drop to the last summary, and with {@code kill}, those from the SIGKILL of the first instance to take a
     * file to the first line of a takeover and to the last summary. The instances' logs stay in the scenario's
     * folder under {@code dir} until the next run of it.
     */
    double[] scenario(String name, int count, boolean kill, boolean shared, int records, int files)
            throws Exception {
        this.files = files;
        this.seen = 0;
        Path home = dir.resolve(name);
        WorkFolder.deleteTree(home);
        Files.createDirectories(home.resolve("inbox"));
        Path staged = Files.createDirectories(home.resolve("staged"));
        for (int i = 1; i <= files; i++) {
            Workloads.simpleRecords(staged.resolve("part-" + i + ".jsonl"), records / files, i);
        }
        if (!shared) {
            return timed(home, staged, count, kill, null);
        }
        try (PostgresServer postgres = PostgresServer.start()) {
            return timed(home, staged, count, kill, postgres);
        }
    }

    private double[] timed(Path home, Path staged, int count, boolean kill, PostgresServer postgres)
            throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            Process provider = start(home, "provider", List.of("-Dbatchline.local.requests-per-second=0",
                    "-Dbatchline.local.validating-delay=0ms", "-Dbatchline.local.finalizing-delay=0ms", "-jar",
                    jar.toString(), "local-provider", "--port", "0", "--data-dir",
                    home.resolve("provider").toString()));
            processes.add(provider);
            String line = Bench.awaitLine(home.resolve("provider.log"), "Local provider ready at",
                    Duration.ofSeconds(60));
            String baseUrl = line.substring(line.indexOf("http"));
            for (int i = 1; i <= count; i++) {
                List<String> options = new ArrayList<>(List.of("-Xmx256m", "-Dbatchline.cluster.instance=i" + i,
                        "-Dbatchline.cluster.lease=" + leaseSeconds + "s",
                        "-Dbatchline.cluster.heartbeat=" + Math.max(1, leaseSeconds / 6) + "s",
                        "-Dbatchline.provider=" + baseUrl, "-Dbatchline.local.enabled=false",
                        "-Dbatchline.http.port=0", "-Dbatchline.poll.interval=250",
                        "-Dbatchline.batch.check-interval=100", "-Dbatchline.inbox.settle-time=100",
                        "-Dbatchline.inbox.settle-timeout=300", "-Dbatchline.inbox.poll-delay=100"));
                if (postgres != null) {
                    options.addAll(List.of("-Dbatchline.store.url=" + postgres.url(),
                            "-Dbatchline.store.user=postgres"));
                }
                options.addAll(List.of("-jar", jar.toString()));
                processes.add(start(home, "instance-" + i, options));
            }
            for (int i = 1; i <= count; i++) {
                Bench.awaitLine(home.resolve("instance-" + i + ".log"), "Routes startup", Duration.ofSeconds(60));
            }
            long dropped = System.nanoTime();
            for (int i = 1; i <= files; i++) {
                Files.move(staged.resolve("part-" + i + ".jsonl"), home.resolve("inbox/part-" + i + ".jsonl"),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            double takeover = Double.NaN;
            long killed = 0;
            if (kill) {
                int victim = firstToTake(home, count);
                processes.get(victim).destroyForcibly().waitFor();
                killed = System.nanoTime();
                Bench.awaitLine(home.resolve("instance-" + (victim == 1 ? 2 : 1) + ".log"),
                        "Took over the work of instance i" + victim, Duration.ofSeconds(leaseSeconds * 4L));
                takeover = (System.nanoTime() - killed) / 1e9;
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (!delivered(home) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!delivered(home)) {
                throw new IllegalStateException("Not every summary came within 30 minutes: see " + home);
            }
            long finished = System.nanoTime();
            return new double[] {(finished - dropped) / 1e9, takeover, kill ? (finished - killed) / 1e9 : Double.NaN};
        } finally {
            Collections.reverse(processes); // the instances first, the provider they call last
            for (Process process : processes) {
                process.toHandle().destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** The instance (from 1) that first took a file of the workload. */
    private static int firstToTake(Path home, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            for (int i = 1; i <= count; i++) {
                if (Files.readString(home.resolve("instance-" + i + ".log")).contains("Taking ")) {
                    return i;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("No instance took a file within a minute: see " + home);
    }

    /** Whether every summary is there; a summary seen once is not looked for again (thousands of small files). */
    private boolean delivered(Path home) {
        while (seen < files && Files.exists(home.resolve("outbox/part-" + (seen + 1) + ".summary.json"))) {
            seen++;
        }
        return seen == files;
    }

    private static Process start(Path home, String name, List<String> arguments) throws IOException {
        return new ProcessBuilder(Bench.javaCommand(arguments)).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile()).start();
    }
}
