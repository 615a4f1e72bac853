package dev.batchline.batch;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.batchline.Headers;
import dev.batchline.config.Settings;
import dev.batchline.failure.Waits;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches Batchline created that the provider no longer knows (404 on retrieve, or on a result file): a wiped
 * self-hosted provider, a key moved to another project, a provider that lost its records. The first such answer
 * starts a grace period ({@code batchline.batch.lost-after}); if the provider still does not know the batch when it
 * has passed, the batch is lost: it ends, and filing resubmits each of its records that has no result, as a new
 * attempt. A provider that merely hid the batch for longer than the grace could then run those records twice.
 */
public final class LostBatches {

    private static final Logger LOG = LoggerFactory.getLogger(LostBatches.class);

    private final StateStore store;
    private final WorkFolder work;
    private final Waits waits;
    private final Duration grace;
    private final Clock clock;

    public LostBatches(StateStore store, WorkFolder work, Waits waits, Duration grace, Clock clock) {
        this.store = store;
        this.work = work;
        this.waits = waits;
        this.grace = grace;
        this.clock = clock;
    }

    /** The provider answered 404 for the batch or one of its result files. */
    public void notFound(Exchange exchange, @Header(Headers.BATCH) long batchId) {
        Instant now = clock.instant();
        BatchRecord batch = store.inTransaction(c -> Batches.find(c, batchId)).orElseThrow();
        Duration unknown = batch.lostSince() == null ? Duration.ZERO : Duration.between(batch.lostSince(), now);
        if (unknown.compareTo(grace) < 0) {
            if (batch.lostSince() == null) {
                store.inTransaction(c -> {
                    Batches.markUnknown(c, batchId, now);
                    return null;
                });
                LOG.warn("The provider {} does not know {} (HTTP 404): if it still does not know it in {}"
                         + " (batchline.batch.lost-after), its records without a result are resubmitted",
                        batch.provider(), batch.label(), Settings.inWords(grace));
            }
            waits.postpone(exchange);
            return;
        }
        // what was downloaded already is filed; the rest is resubmitted
        String output = Files.exists(work.output(batchId)) ? batch.outputFileId() : null;
        String errors = Files.exists(work.errors(batchId)) ? batch.errorFileId() : null;
        store.inTransaction(c -> {
            Batches.recordLost(c, batchId, output, errors, now);
            return null;
        });
        LOG.warn("The provider {} has not known {} for {}: it is lost, and its records without a result are"
                 + " resubmitted", batch.provider(), batch.label(), Settings.inWords(unknown.withNanos(0)));
        waits.recovered(exchange);
    }
}
