package dev.batchline.batch;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderException;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits sealed batches: uploads the input file ({@code purpose=batch}), records its id, creates the provider batch
 * with metadata that names it ({@code batchline_key}), records the batch id. Each step is recorded before the next
 * one starts; a provider that fails is tried again at the next round, the batch waits meanwhile.
 */
public final class Submission {

    /** Metadata key holding a batch's idempotency key at the provider. */
    public static final String KEY_METADATA = "batchline_key";

    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);

    private final StateStore store;
    private final WorkFolder work;
    private final ProviderClient client;
    private final Clock clock;

    public Submission(StateStore store, WorkFolder work, ProviderClient client, Clock clock) {
        this.store = store;
        this.work = work;
        this.client = client;
        this.clock = clock;
    }

    /** Submits every sealed batch; returns how many were submitted. */
    public int submitDue() {
        List<BatchRecord> due = store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED,
                BatchRecord.UPLOADED));
        int submitted = 0;
        for (BatchRecord batch : due) {
            try {
                submit(batch);
                submitted++;
            } catch (ProviderException e) {
                LOG.warn("Could not submit batch {} yet: {}; trying again shortly", batch.id(), e.getMessage());
                break;
            }
        }
        return submitted;
    }

    private void submit(BatchRecord batch) {
        String inputFileId = batch.inputFileId();
        if (batch.status().equals(BatchRecord.SEALED)) {
            JsonNode file = client.uploadBatchFile(work.resolve(batch.spool()), "batchline-" + batch.id() + ".jsonl");
            inputFileId = file.path("id").asText();
            String uploaded = inputFileId;
            store.inTransaction(c -> {
                Batches.recordUpload(c, batch.id(), uploaded);
                return null;
            });
            LOG.debug("Uploaded batch {} as {}", batch.id(), inputFileId);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(KEY_METADATA, batch.idempotencyKey());
        metadata.put("batchline_batch", Long.toString(batch.id()));
        JsonNode created = client.createBatch(inputFileId, batch.endpoint(), metadata);
        String providerBatchId = created.path("id").asText();
        String status = created.path("status").asText("validating");
        store.inTransaction(c -> {
            Batches.recordSubmission(c, batch.id(), providerBatchId, status, clock.instant());
            return null;
        });
        LOG.info("Submitted batch {} as {}: {} requests to {} ({})", batch.id(), providerBatchId, batch.requests(),
                batch.endpoint(), batch.model());
    }
}
