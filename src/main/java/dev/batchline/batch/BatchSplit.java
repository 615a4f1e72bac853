package dev.batchline.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.jsonl.JsonlReader;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.RequestId;
import dev.batchline.work.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a batch the provider refused as too large (its upload answered 413 or named a size, or the batch failed with
 * {@code too_many_tasks} or a size limit) into two halves, each a new sealed batch that is submitted like any other;
 * a half refused again is split again, down to one request, which is then reported with the provider's message. The
 * requests keep their ids: a split is not an attempt. The halves are written under the refused batch's folder and
 * recorded in one transaction with the refused batch marked processed, so a split cut off by a crash is done again
 * from the start.
 */
public final class BatchSplit {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSplit.class);

    private final StateStore store;
    private final WorkFolder work;
    private final Clock clock;

    public BatchSplit(StateStore store, WorkFolder work, Clock clock) {
        this.store = store;
        this.work = work;
        this.clock = clock;
    }

    /** Writes the two halves of the batch and records them as sealed batches in its place. */
    public void split(BatchRecord batch, JsonNode errors) throws IOException {
        int firstHalf = (batch.requests() + 1) / 2;
        Half first = new Half(work.batch(batch.id()).resolve("half-1.jsonl"));
        Half second = new Half(work.batch(batch.id()).resolve("half-2.jsonl"));
        Files.createDirectories(work.batch(batch.id()));
        try (JsonlReader lines = new JsonlReader(work.resolve(batch.spool()), 0, 1);
             OutputStream one = first.open(); OutputStream two = second.open()) {
            int taken = 0;
            while (lines.next()) {
                if (lines.blank()) {
                    continue;
                }
                RequestId id = RequestId.ofSpooledLine(lines.bytes(), lines.length());
                if (taken++ < firstHalf) {
                    first.write(one, lines, id);
                } else {
                    second.write(two, lines, id);
                }
            }
        }
        Instant now = clock.instant();
        long[] ids = store.inTransaction(c -> {
            long[] halves = new long[2];
            int i = 0;
            for (Half half : new Half[] {first, second}) {
                if (half.requests > 0) {
                    BatchRecord part = Batches.sealedHalf(c, batch, work.root().relativize(half.file).toString()
                            .replace('\\', '/'), half.requests, half.bytes, now);
                    Batches.saveSourceRequests(c, part.id(), half.bySource);
                    halves[i++] = part.id();
                }
            }
            Batches.markProcessed(c, batch.id(), now);
            return halves;
        });
        String reason = errors.path(0).path("message").asText(errors.path(0).path("code").asText("too large"));
        LOG.info("Split {} ({} requests, {} bytes), which the provider refused as too large ({}), into batch {} ({}"
                 + " requests, {} bytes) and batch {} ({} requests, {} bytes)", batch.label(), batch.requests(),
                batch.bytes(), reason, ids[0], first.requests, first.bytes, ids[1], second.requests, second.bytes);
    }

    /** One half being written: its file, and what it holds per source. */
    private static final class Half {

        private final Path file;
        private final Map<Long, Integer> bySource = new HashMap<>();
        private int requests;
        private long bytes;

        Half(Path file) {
            this.file = file;
        }

        OutputStream open() throws IOException {
            return new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        }

        void write(OutputStream out, JsonlReader lines, RequestId id) throws IOException {
            out.write(lines.bytes(), 0, lines.length());
            out.write('\n');
            requests++;
            bytes += lines.length() + 1;
            if (id != null) {
                bySource.merge(id.source(), 1, Integer::sum);
            }
        }
    }
}
