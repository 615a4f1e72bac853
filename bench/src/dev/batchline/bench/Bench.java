package dev.batchline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.batchline.work.WorkFolder;

/**
 * Runs every benchmark scenario against its baseline in the same run on the same machine and prints a table of
 * ratios with the absolute figures ({@code bench/run}). Batchline's side and the Java baseline each run in their
 * own JVM, timed from outside as whole processes and from inside for the work alone; shell baselines (jq, split,
 * sort) run through bash. {@code --smoke} runs tiny sizes, to keep the benchmarks working in CI.
 */
public final class Bench {

    private static final Pattern NUMBER = Pattern.compile("(\\w+)=([0-9.]+)");

    private final boolean smoke;
    private final Path dir;
    private final String classpath;
    private final Path jar;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final boolean jq;

    private Bench(boolean smoke, Path dir) throws IOException, InterruptedException {
        this.smoke = smoke;
        this.dir = Files.createDirectories(dir);
        this.classpath = System.getProperty("java.class.path");
        this.jar = Path.of(System.getProperty("batchline.jar", "target/batchline.jar")).toAbsolutePath();
        this.jq = shell("command -v jq >/dev/null && command -v sort >/dev/null && command -v split >/dev/null")
                          .exit == 0;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = Arrays.asList(args).contains("--smoke");
        Path out = Path.of(option(args, "--out", smoke ? "target/bench-smoke" : "target/bench"));
        Bench bench = new Bench(smoke, out);
        int records = Integer.parseInt(option(args, "--records", smoke ? "2000" : "1000000"));
        bench.ingest(records);
        if (!smoke) {
            bench.gigabyte();
        }
        bench.delivery(records);
        bench.endToEnd(Integer.parseInt(option(args, "--e2e-records", smoke ? "500" : "200000")));
        bench.realtime(smoke ? 2 : 10, smoke ? 1 : 3);
        bench.polling(Integer.parseInt(option(args, "--batches", smoke ? "300" : "10000")));
        bench.startup(smoke ? 1 : 5);
        bench.cluster(Integer.parseInt(option(args, "--cluster-records", smoke ? "2000" : "100000")));
        bench.smallFiles(Integer.parseInt(option(args, "--small-files-records", smoke ? "200" : "10000")));
        if (!smoke) {
            bench.microbenchmark();
        }
        bench.report();
    }

    private static String option(String[] args, String name, String otherwise) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return otherwise;
    }

    // ---- scenarios

    private void ingest(int records) throws Exception {
        Path input = dir.resolve("records.jsonl");
        if (!Files.exists(input) || Files.size(input) < records * 200L || Files.size(input) > records * 400L) {
            Workloads.simpleRecords(input, records, 1);
        }
        String size = megabytes(Files.size(input));
        List<Run> ours = new ArrayList<>();
        List<Run> loop = new ArrayList<>();
        for (int round = 0; round < rounds(); round++) {
            ours.add(java(List.of("-Xmx256m"), "dev.batchline.bench.IngestRun", input.toString(),
                    fresh("ingest-work").toString()));
            loop.add(java(List.of("-Xmx256m"), "dev.batchline.bench.JacksonLoop", input.toString(),
                    fresh("loop-out").toString()));
        }
        Run batchline = median(ours);
        Run jackson = median(loop);
        String scenario = String.format(Locale.ROOT, "Ingest %,d simple records (%s) into sealed batch files,"
                                                     + " -Xmx256m", records, size);
        row(scenario + ", against jq + split", batchline, jq ? jqSplit(input) : null, 3.0, true);
        row(scenario + ", against a bare Jackson streaming loop", batchline, jackson, 1.5, false);
    }

    private Run jqSplit(Path input) throws Exception {
        Path out = fresh("jq-split");
        return shell("jq -c '{custom_id: .id, method: \"POST\", url: \"/v1/chat/completions\", body: {model:"
                     + " \"gpt-4o-mini\", messages: [{role: \"user\", content: .prompt}]}}' '" + input
                     + "' | split -l 50000 - '" + out + "/batch-'");
    }

    private void gigabyte() throws Exception {
        Path input = dir.resolve("gigabyte.jsonl");
        if (!Files.exists(input) || Files.size(input) < (1L << 30)) {
            Workloads.simpleRecordsOfSize(input, 1L << 30, 2);
        }
        Run run = java(List.of("-Xmx256m"), "dev.batchline.bench.IngestRun", input.toString(),
                fresh("gigabyte-work").toString());
        rows.add(new String[] {"Ingest a " + megabytes(Files.size(input)) + " source, -Xmx256m",
                run.exit == 0 ? seconds(run.inner) + " (" + (long) run.value("batches") + " batches)" : "failed", "—",
                run.exit == 0 ? "completes" : "does not complete", "completes", run.exit == 0 ? "yes" : "NO"});
        Files.deleteIfExists(input);
    }

    private void delivery(int records) throws Exception {
        Path input = dir.resolve("records.jsonl");
        Path prepared = fresh("delivery-prepared");
        Path copies = fresh("delivery-outputs");
        Run prepare = java(List.of("-Xmx1g"), "dev.batchline.bench.DeliveryRun", "prepare", input.toString(),
                prepared.toString(), copies.toString());
        if (prepare.exit != 0) {
            throw new IllegalStateException("Preparing the delivery benchmark failed:\n" + prepare.output);
        }
        List<Run> ours = new ArrayList<>();
        for (int round = 0; round < rounds(); round++) {
            Path work = fresh("delivery-work");
            copyTree(prepared, work);
            ours.add(java(List.of("-Xmx256m"), "dev.batchline.bench.DeliveryRun", "run", work.toString(),
                    fresh("delivery-outbox").toString()));
        }
        Run baseline = null;
        if (jq) {
            baseline = shell("cd '" + copies + "' && jq -r '\"\\(.custom_id | split(\"-\") | .[1])\\t\\(tojson)\"'"
                             + " output-*.jsonl | LC_ALL=C sort -t \"$(printf '\\t')\" -k1,1n -S 200M | cut -f2-"
                             + " > '" + dir.resolve("jq-sorted.jsonl") + "'");
        }
        long bytes;
        try (Stream<Path> files = Files.list(copies)) {
            bytes = files.mapToLong(file -> file.toFile().length()).sum();
        }
        row(String.format(Locale.ROOT, "Deliver %,d results shuffled across %d output files (%s) to the outbox in"
                                       + " input order, -Xmx256m, against jq + sort", records,
                copies.toFile().list().length, megabytes(bytes)), median(ours), baseline, 3.0, true);
        WorkFolder.deleteTree(prepared);
        WorkFolder.deleteTree(copies);
        Files.deleteIfExists(dir.resolve("jq-sorted.jsonl"));
    }

    private void endToEnd(int records) throws Exception {
        Path home = fresh("end-to-end");
        Path staged = home.resolve("e2e.jsonl");
        Workloads.simpleRecords(staged, records, 3);
        Files.createDirectories(home.resolve("inbox"));
        Process app = new ProcessBuilder(javaCommand(List.of("-Xmx256m", "-Dbatchline.local.port=0",
                "-Dbatchline.http.port=0", "-Dbatchline.provider=local", "-Dbatchline.provider.api-key=",
                "-Dbatchline.local.requests-per-second=0", "-Dbatchline.local.validating-delay=0ms",
                "-Dbatchline.local.finalizing-delay=0ms", "-Dbatchline.poll.interval=250",
                "-Dbatchline.batch.check-interval=100", "-Dbatchline.inbox.settle-time=100",
                "-Dbatchline.inbox.settle-timeout=300", "-Dbatchline.inbox.poll-delay=100", "-jar", jar.toString())))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("app.log").toFile())
                .start();
        try {
            awaitLine(home.resolve("app.log"), "Routes startup", Duration.ofSeconds(60));
            long started = System.nanoTime();
            Files.move(staged, home.resolve("inbox/e2e.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            Path summary = home.resolve("outbox/e2e.summary.json");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (!Files.exists(summary) && System.nanoTime() < deadline && app.isAlive()) {
                Thread.sleep(100);
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            boolean done = Files.exists(summary);
            rows.add(new String[] {String.format(Locale.ROOT, "End to end through the local provider (offline model at"
                                                                + " full speed), %,d records, -Xmx256m", records),
                done ? String.format(Locale.ROOT, "%,.0f records/s (%.1f s from drop to summary)", records / elapsed,
                        elapsed) : "did not finish", "—", "—", "—", done ? "—" : "NO"});
        } finally {
            app.toHandle().destroy();
            app.waitFor(30, TimeUnit.SECONDS);
            app.destroyForcibly();
        }
    }

    private void realtime(int seconds, int rounds) throws Exception {
        Path home = fresh("realtime");
        Process server = new ProcessBuilder(javaCommand(List.of("-Dbatchline.local.latency=20ms",
                "-Dbatchline.local.threads=64", "-Dbatchline.local.data-dir=" + home.resolve("provider"), "-jar",
                jar.toString(), "local-provider", "--port", "0")))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile())
                .start();
        try {
            String line = awaitLine(home.resolve("server.log"), "Local provider ready at", Duration.ofSeconds(60));
            String url = line.substring(line.indexOf("http"));
            Run run = java(List.of(), "dev.batchline.bench.RealtimeRun", url, Integer.toString(seconds),
                    Integer.toString(rounds));
            List<double[]> bare = new ArrayList<>();
            List<double[]> ours = new ArrayList<>();
            for (String out : run.output.split("\n")) {
                double[] figures = {Run.number(out, "calls_per_s"), Run.number(out, "median_ms"),
                    Run.number(out, "p99_ms")};
                if (out.startsWith("bare ")) {
                    bare.add(figures);
                } else if (out.startsWith("batchline ")) {
                    ours.add(figures);
                }
            }
            double[] b = average(bare);
            double[] o = average(ours);
            double share = o[0] / b[0];
            rows.add(new String[] {"Real-time: direct:realtime, 64 concurrent calls, server answering in 20 ms"
                                   + " (theoretical 3,200 calls/s), against a bare JDK HttpClient",
                String.format(Locale.ROOT, "%,.0f calls/s, median %.1f ms, p99 %.1f ms", o[0], o[1], o[2]),
                String.format(Locale.ROOT, "%,.0f calls/s, median %.1f ms, p99 %.1f ms", b[0], b[1], b[2]),
                String.format(Locale.ROOT, "%.0f%% of the throughput", share * 100), "≥ 90%",
                share >= 0.9 ? "yes" : "NO"});
            double added = o[1] - b[1];
            rows.add(new String[] {"Real-time: latency added over the bare call (median; p99 for context)",
                String.format(Locale.ROOT, "median %+.2f ms, p99 %+.2f ms", added, o[2] - b[2]), "—",
                String.format(Locale.ROOT, "%+.2f ms", added), "median ≤ 1 ms", added <= 1.0 ? "yes" : "NO"});
        } finally {
            server.toHandle().destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
    }

    private void polling(int batches) throws Exception {
        Run run = java(List.of(), "dev.batchline.bench.PollRun", Integer.toString(batches));
        long calls = (long) run.value("calls");
        rows.add(new String[] {String.format(Locale.ROOT, "Polling %,d batches in flight, one poll cycle", batches),
            String.format(Locale.ROOT, "%,d calls in %.2f s", calls, run.value("ms") / 1000),
            String.format(Locale.ROOT, "%,d calls (one retrieve per batch)", batches),
            String.format(Locale.ROOT, "%.0f batches per call", (double) batches / Math.max(1, calls)),
            "about 100 per call", (double) batches / Math.max(1, calls) >= 90 ? "yes" : "NO"});
    }

    /**
     * One, two and three instances sharing one PostgreSQL store and one local provider, and the takeover of a
     * killed instance's work; the full run uses the default lease (30 s), the smoke run a short one.
     */
    private void cluster(int records) throws Exception {
        int lease = smoke ? 3 : 30;
        int files = smoke ? 4 : 20;
        Run run = java(List.of("-Dbatchline.jar=" + jar), "dev.batchline.bench.ClusterRun", fresh("cluster").toString(),
                Integer.toString(records), Integer.toString(files), Integer.toString(lease));
        if (run.exit != 0) {
            rows.add(new String[] {"Instances sharing one PostgreSQL store", "failed: " + run.tail(), "", "", "",
                "NO"});
            return;
        }
        double one = run.value("instances1");
        for (int instances = 1; instances <= 3; instances++) {
            double rate = run.value("instances" + instances);
            rows.add(new String[] {String.format(Locale.ROOT, "%d instance%s on one PostgreSQL store and one local"
                                                              + " provider, %,d records in %d files, -Xmx256m each",
                    instances, instances == 1 ? "" : "s", records, files),
                String.format(Locale.ROOT, "%,.0f records/s (%.1f s from drop to last summary)", rate,
                        run.value("seconds" + instances)),
                instances == 1 ? "—" : String.format(Locale.ROOT, "1 instance: %,.0f records/s", one),
                instances == 1 ? "—" : String.format(Locale.ROOT, "%.2fx", rate / one), "measured", "—"});
        }
        double takeover = run.value("takeover");
        rows.add(new String[] {String.format(Locale.ROOT, "Takeover after kill -9 of one of 2 instances (lease %d s)",
                lease), String.format(Locale.ROOT, "%.1f s to take over, %.1f s to the last summary", takeover,
                run.value("finished")), "—", "—", "lease + one heartbeat",
            takeover <= lease * 7 / 6.0 + 1 ? "yes" : "NO"});
    }

    /**
     * The same records as one file, as files of 5 and as files of 1, dropped at once, on the embedded store and on
     * PostgreSQL: many small sources should cost about what one source does.
     */
    private void smallFiles(int records) throws Exception {
        Run run = java(List.of("-Dbatchline.jar=" + jar), "dev.batchline.bench.SmallFilesRun",
                fresh("small-files").toString(), Integer.toString(records));
        if (run.exit != 0) {
            rows.add(new String[] {"Many small files", "failed: " + run.tail(), "", "", "", "NO"});
            return;
        }
        for (String store : List.of("embedded", "postgres")) {
            String where = store.equals("embedded") ? "embedded store" : "PostgreSQL";
            double one = run.value(store + "_one");
            double fives = run.value(store + "_fives");
            double ones = run.value(store + "_ones");
            rows.add(new String[] {String.format(Locale.ROOT, "%,d records as %,d files of 5, dropped at once, %s",
                    records, records / 5, where), seconds(fives), String.format(Locale.ROOT, "as 1 file: %s",
                    seconds(one)), String.format(Locale.ROOT, "%.1fx the time", fives / one), "≤ 3x",
                fives <= 3 * one ? "yes" : "NO"});
            rows.add(new String[] {String.format(Locale.ROOT, "%,d records as %,d files of 1, dropped at once, %s",
                    records, records, where), seconds(ones), String.format(Locale.ROOT, "as 1 file: %s",
                    seconds(one)), String.format(Locale.ROOT, "%.1fx the time", ones / one), "≤ 8x",
                ones <= 8 * one ? "yes" : "NO"});
            double first = run.value(store + "_first");
            double last = run.value(store + "_last");
            int slice = (int) run.value(store + "_slice");
            rows.add(new String[] {String.format(Locale.ROOT, "Intake per file of the last %,d of those files, %s",
                    slice, where), String.format(Locale.ROOT, "%.2f ms", last), String.format(Locale.ROOT,
                    "the first %,d: %.2f ms", slice, first), String.format(Locale.ROOT, "%.2fx", last / first),
                "≤ 1.2x", last <= 1.2 * first ? "yes" : "NO"});
        }
    }

    private void startup(int runs) throws Exception {
        List<Double> ready = new ArrayList<>();
        List<Double> resident = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Path home = fresh("startup");
            long started = System.nanoTime();
            Process app = new ProcessBuilder(javaCommand(List.of("-Dbatchline.local.port=0", "-Dbatchline.http.port=0",
                    "-jar", jar.toString()))).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(home.resolve("app.log").toFile()).start();
            try {
                awaitLine(home.resolve("app.log"), "Routes startup", Duration.ofSeconds(60));
                ready.add((System.nanoTime() - started) / 1e9);
                Thread.sleep(smoke ? 2000 : 10_000);
                resident.add(residentMegabytes(app.pid()));
            } finally {
                app.toHandle().destroy();
                app.waitFor(30, TimeUnit.SECONDS);
                app.destroyForcibly();
            }
        }
        double start = medianOf(ready);
        double rss = medianOf(resident);
        rows.add(new String[] {"Start-up of java -jar target/batchline.jar to ready (routes started)",
            String.format(Locale.ROOT, "%.2f s", start), "—", "—", "< 3 s", start < 3 ? "yes" : "NO"});
        rows.add(new String[] {"Resident memory when idle (" + (smoke ? 2 : 10) + " s after ready)",
            String.format(Locale.ROOT, "%.0f MB", rss), "—", "—", "< 300 MB", rss < 300 ? "yes" : "NO"});
    }

    private void microbenchmark() throws Exception {
        Run run = java(List.of(), "org.openjdk.jmh.Main", "RecordFormatBenchmark", "-f", "1", "-wi", "3", "-i", "5",
                "-w", "1s", "-r", "1s", "-t", "1");
        double streaming = Double.NaN;
        double tree = Double.NaN;
        for (String line : run.output.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (line.contains("RecordFormatBenchmark.streaming") && parts.length > 4) {
                streaming = Double.parseDouble(parts[parts.length - 4]);
            } else if (line.contains("RecordFormatBenchmark.tree") && parts.length > 4) {
                tree = Double.parseDouble(parts[parts.length - 4]);
            }
        }
        notes.add(String.format(Locale.ROOT, "JMH, one record turned into a batch line: streaming (what intake does)"
                                             + " %,.0f ops/s, through a Jackson tree %,.0f ops/s (%.1fx).", streaming,
                tree, streaming / tree));
    }

    // ---- reporting

    /** A timed scenario against its baseline: a speed-up of at least {@code target}, or a time ratio of at most. */
    private void row(String scenario, Run ours, Run baseline, double target, boolean speedUp) {
        if (ours.exit != 0) {
            rows.add(new String[] {scenario, "failed: " + ours.tail(), "", "", "", "NO"});
            return;
        }
        String mine = seconds(ours.inner) + " (process " + seconds(ours.wall) + ")";
        if (baseline == null) {
            rows.add(new String[] {scenario, mine, "not run (jq, split or sort missing)", "—",
                (speedUp ? "≥ " : "≤ ") + target + "x", "—"});
            return;
        }
        double baseSeconds = baseline.inner > 0 ? baseline.inner : baseline.wall;
        String theirs = seconds(baseSeconds) + (baseline.inner > 0 ? " (process " + seconds(baseline.wall) + ")" : "");
        double ratio = speedUp ? baseSeconds / ours.inner : ours.inner / baseSeconds;
        rows.add(new String[] {scenario, mine, theirs,
            String.format(Locale.ROOT, speedUp ? "%.1fx faster" : "%.2fx the time", ratio),
            (speedUp ? "≥ " : "≤ ") + target + "x", (speedUp ? ratio >= target : ratio <= target) ? "yes" : "NO"});
    }

    private void report() throws IOException {
        if (smoke) {
            // tiny sizes measure start-up costs, not the targets
            rows.replaceAll(row -> {
                String[] copy = row.clone();
                copy[5] = "(smoke)";
                return copy;
            });
        }
        StringBuilder table = new StringBuilder();
        table.append("| Scenario | Batchline | Baseline | Ratio | Target | Met |\n|---|---|---|---|---|---|\n");
        for (String[] row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        for (String note : notes) {
            table.append("\n").append(note).append('\n');
        }
        String machine = String.format(Locale.ROOT, "%s, %d cores, %.1f GB memory, Java %s, %s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), totalMemoryGigabytes(),
                System.getProperty("java.version"), smoke ? "smoke sizes" : "full sizes");
        System.out.println();
        System.out.print(machine);
        System.out.println(table);
        Files.writeString(dir.resolve("results.md"), machine + "\n" + table);
    }

    // ---- processes

    /** A finished process: its exit status, wall time, the time it reported for its work, and its output. */
    private record Run(int exit, double wall, double inner, String output) {

        double value(String name) {
            return number(output, name);
        }

        static double number(String text, String name) {
            Matcher matcher = NUMBER.matcher(text);
            double found = Double.NaN;
            while (matcher.find()) {
                if (matcher.group(1).equals(name)) {
                    found = Double.parseDouble(matcher.group(2));
                }
            }
            return found;
        }

        String tail() {
            String[] lines = output.split("\n");
            return lines[lines.length - 1];
        }
    }

    private Run java(List<String> options, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(options);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(List.of(args));
        return run(new ProcessBuilder(javaCommand(command)));
    }

    private Run shell(String script) throws IOException, InterruptedException {
        return run(new ProcessBuilder("bash", "-c", "set -o pipefail; " + script));
    }

    private static Run run(ProcessBuilder builder) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = builder.redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
            }
        }
        int exit = process.waitFor();
        double wall = (System.nanoTime() - started) / 1e9;
        double inner = Run.number(output.toString(), "ms") / 1000;
        return new Run(exit, wall, Double.isNaN(inner) ? 0 : inner, output.toString());
    }

    static List<String> javaCommand(List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        return command;
    }

    static String awaitLine(Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("No '" + text + "' in " + log + " within " + timeout);
    }

    // ---- small helpers

    private int rounds() {
        return smoke ? 1 : 3;
    }

    private Path fresh(String name) throws IOException {
        Path path = dir.resolve(name);
        WorkFolder.deleteTree(path);
        return Files.createDirectories(path);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Double.compare(a.inner, b.inner));
        return sorted.get(sorted.size() / 2);
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.get(sorted.size() / 2);
    }

    private static double[] average(List<double[]> figures) {
        double[] sum = new double[3];
        for (double[] figure : figures) {
            for (int i = 0; i < 3; i++) {
                sum[i] += figure[i] / figures.size();
            }
        }
        return sum;
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", bytes / 1_000_000);
    }

    private static double residentMegabytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static double totalMemoryGigabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
            }
        }
        return Double.NaN;
    }
}
