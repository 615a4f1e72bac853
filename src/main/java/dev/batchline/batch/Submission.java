package dev.batchline.batch;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.ProviderHealth;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits sealed batches, exactly once: uploads the input file ({@code batchline-<key>.jsonl}, purpose
 * {@code batch}) and records its id; notes the attempt, then creates the provider batch with metadata that names it
 * ({@code batchline_key}) and records the batch id. A batch whose creation was attempted before (its answer lost
 * to a dropped connection or a crash) is first looked up by its key among the provider's batches, and only
 * created when it is not there. A provider that fails is tried again at the next round; the batch waits.
 */
public final class Submission {

    /** Metadata key holding a batch's idempotency key at the provider. */
    public static final String KEY_METADATA = "batchline_key";

    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);
    /** How far before the noted attempt a lookup searches, for clocks that disagree. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(10);
    private static final int PAGE = 100;

    private final StateStore store;
    private final WorkFolder work;
    private final ProviderClient client;
    private final ProviderHealth health;
    private final Clock clock;

    public Submission(StateStore store, WorkFolder work, ProviderClient client, ProviderHealth health, Clock clock) {
        this.store = store;
        this.work = work;
        this.client = client;
        this.health = health;
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
                health.succeeded();
                submitted++;
            } catch (ProviderException e) {
                health.failed("Submitting batch " + batch.id(), e);
                break;
            }
        }
        return submitted;
    }

    private void submit(BatchRecord batch) {
        String inputFileId = batch.inputFileId();
        if (batch.status().equals(BatchRecord.SEALED)) {
            JsonNode file = client.uploadBatchFile(work.resolve(batch.spool()), uploadName(batch.idempotencyKey()));
            inputFileId = file.path("id").asText();
            String uploaded = inputFileId;
            store.inTransaction(c -> {
                Batches.recordUpload(c, batch.id(), uploaded);
                return null;
            });
            LOG.debug("Uploaded batch {} as {}", batch.id(), inputFileId);
        }
        JsonNode created = null;
        if (batch.createAttemptedAt() != null) {
            created = findCreated(batch).orElse(null);
            if (created != null) {
                LOG.info("Found batch {} at the provider as {}: its creation had succeeded", batch.id(),
                        created.path("id").asText());
            }
        }
        if (created == null) {
            store.inTransaction(c -> {
                Batches.recordCreateAttempt(c, batch.id(), clock.instant());
                return null;
            });
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(KEY_METADATA, batch.idempotencyKey());
            metadata.put("batchline_batch", Long.toString(batch.id()));
            created = client.createBatch(inputFileId, batch.endpoint(), metadata);
        }
        String providerBatchId = created.path("id").asText();
        String status = created.path("status").asText("validating");
        store.inTransaction(c -> {
            Batches.recordSubmission(c, batch.id(), providerBatchId, status, clock.instant());
            return null;
        });
        LOG.info("Submitted batch {} as {}: {} requests to {} ({})", batch.id(), providerBatchId, batch.requests(),
                batch.endpoint(), batch.model());
    }

    /** The name a batch's input file gets at the provider, which ties it to the batch. */
    static String uploadName(String idempotencyKey) {
        return "batchline-" + idempotencyKey + ".jsonl";
    }

    /** The provider's batch carrying this batch's key, searched newest first back to before the last attempt. */
    private Optional<JsonNode> findCreated(BatchRecord batch) {
        long since = batch.createAttemptedAt().minus(CLOCK_SLACK).getEpochSecond();
        String after = null;
        while (true) {
            JsonNode page = client.listBatches(after, PAGE);
            for (JsonNode candidate : page.path("data")) {
                if (batch.idempotencyKey().equals(candidate.path("metadata").path(KEY_METADATA).asText(null))) {
                    return Optional.of(candidate);
                }
                if (candidate.path("created_at").asLong(Long.MAX_VALUE) < since) {
                    return Optional.empty();
                }
            }
            if (!page.path("has_more").asBoolean(false) || page.path("last_id").isNull()) {
                return Optional.empty();
            }
            after = page.path("last_id").asText();
        }
    }
}
