package dev.batchline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import dev.batchline.batch.Spools;
import dev.batchline.inbox.Intake;
import dev.batchline.inbox.RecordFormat;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;

/**
 * Batchline's side of the ingest benchmark: the production intake (state store, open batches, record index)
 * takes one inbox file into sealed batch files of 50,000 requests. {@code IngestRun <input.jsonl> <work folder>}.
 */
public final class IngestRun {

    private IngestRun() {
    }

    public static void main(String[] args) throws Exception {
        Path input = Path.of(args[0]);
        WorkFolder work = new WorkFolder(Path.of(args[1]));
        StateStore store = new StateStore(work.state());
        store.start();
        Spools spools = new Spools(store, work, "local", "bench", 50_000, 200L << 20, Duration.ofHours(1), 100,
                Clock.systemUTC());
        spools.start();
        Intake intake = new Intake(store, spools, work, "local", input.getParent(),
                new RecordFormat("gpt-4o-mini", null), 10 << 20, Long.MAX_VALUE, Clock.systemUTC());
        long started = System.nanoTime();
        intake.ingest(input, input.getFileName().toString(), Files.size(input),
                Files.getLastModifiedTime(input).toMillis(), true);
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        spools.stop();
        store.stop();
        long files;
        try (var batches = Files.list(work.root().resolve("batches"))) {
            files = batches.count();
        }
        System.out.println("batches=" + files + " ms=" + elapsed);
    }
}
