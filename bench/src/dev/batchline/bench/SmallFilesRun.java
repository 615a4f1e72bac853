package dev.batchline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The same records as one file, as files of 5 records, and as files of 1 record, dropped at once into the inbox of
 * one instance (its embedded store, or a PostgreSQL store) with a standalone local provider at full speed, timed to
 * the last summary. For the files of one record it also takes, from the instance's log, how long intake took for
 * the first and for the last thousand files (a tenth of the files in a smaller run). Prints
 * {@code <store>_one}, {@code <store>_fives}, {@code <store>_ones} (seconds) and {@code <store>_first},
 * {@code <store>_last} (milliseconds per file).
 *
 * <p>Arguments: a folder, the records.
 */
public final class SmallFilesRun {

    private SmallFilesRun() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int records = Integer.parseInt(args[1]);
        ClusterRun run = new ClusterRun(dir, 30);
        for (String store : List.of("embedded", "postgres")) {
            boolean shared = store.equals("postgres");
            double one = run.scenario(store + "-one", 1, false, shared, records, 1)[0];
            double fives = run.scenario(store + "-fives", 1, false, shared, records, records / 5)[0];
            double ones = run.scenario(store + "-ones", 1, false, shared, records, records)[0];
            List<LocalTime> taken = takingTimes(dir.resolve(store + "-ones").resolve("instance-1.log"));
            int slice = Math.min(1000, Math.max(1, taken.size() / 10));
            double first = millis(taken.get(0), taken.get(slice - 1)) / (slice - 1.0);
            double last = millis(taken.get(taken.size() - slice), taken.get(taken.size() - 1)) / (slice - 1.0);
            System.out.printf(Locale.ROOT, "%s_one=%.2f %s_fives=%.2f %s_ones=%.2f %s_first=%.2f %s_last=%.2f"
                              + " %s_slice=%d%n", store, one, store, fives, store, ones, store, first, store, last,
                    store, slice);
        }
    }

    /** When each file was taken, in the order of the log's "Taking" lines. */
    private static List<LocalTime> takingTimes(Path log) throws Exception {
        return Files.readAllLines(log).stream().filter(line -> line.contains("Intake - Taking "))
                .map(line -> LocalTime.parse(line.substring(0, 12))).toList();
    }

    private static double millis(LocalTime from, LocalTime to) {
        return from.until(to, ChronoUnit.MICROS) / 1000.0;
    }
}
