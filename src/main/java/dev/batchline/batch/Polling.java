package dev.batchline.batch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.ProviderHealth;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the provider how the submitted batches are doing: with one list call per page (newest first) while that
 * finds them faster than one call per batch, then one retrieve per batch still missing. Logs every status change
 * with {@code completed/total}, records progress, and marks the batches that ended.
 */
public final class Polling {

    static final Set<String> ENDED = Set.of("completed", "failed", "expired", "cancelled");
    private static final int PAGE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Polling.class);

    private final StateStore store;
    private final ProviderClient client;
    private final ProviderHealth health;
    private final Clock clock;

    public Polling(StateStore store, ProviderClient client, ProviderHealth health, Clock clock) {
        this.store = store;
        this.client = client;
        this.health = health;
        this.clock = clock;
    }

    /** Polls every submitted batch once; returns how many ended. */
    public int poll() {
        List<BatchRecord> submitted = store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SUBMITTED));
        if (submitted.isEmpty()) {
            return 0;
        }
        Map<String, BatchRecord> waiting = new LinkedHashMap<>();
        for (BatchRecord batch : submitted) {
            waiting.put(batch.providerBatchId(), batch);
        }
        int ended = 0;
        try {
            if (waiting.size() > 1) {
                ended += list(waiting);
            }
            for (BatchRecord batch : new ArrayList<>(waiting.values())) {
                ended += update(batch, client.retrieveBatch(batch.providerBatchId())) ? 1 : 0;
            }
            health.succeeded();
        } catch (ProviderException e) {
            health.failed("Polling the provider", e);
        }
        return ended;
    }

    /** Pages through the list while it finds the batches with fewer calls than retrieving them; returns the ended. */
    private int list(Map<String, BatchRecord> waiting) {
        int ended = 0;
        int pages = 0;
        String after = null;
        while (!waiting.isEmpty() && pages < waiting.size()) {
            JsonNode page = client.listBatches(after, PAGE);
            pages++;
            for (JsonNode batch : page.path("data")) {
                BatchRecord record = waiting.remove(batch.path("id").asText());
                if (record != null && update(record, batch)) {
                    ended++;
                }
            }
            if (!page.path("has_more").asBoolean(false) || page.path("last_id").isNull()) {
                break;
            }
            after = page.path("last_id").asText();
        }
        return ended;
    }

    /** Records the provider's view of a batch; true when it ended. */
    private boolean update(BatchRecord batch, JsonNode json) {
        String status = json.path("status").asText("").toLowerCase(Locale.ROOT);
        JsonNode counts = json.path("request_counts");
        Integer total = counts.hasNonNull("total") ? counts.get("total").asInt() : null;
        Integer completed = counts.hasNonNull("completed") ? counts.get("completed").asInt() : null;
        Integer failed = counts.hasNonNull("failed") ? counts.get("failed").asInt() : null;
        boolean changed = !status.equals(batch.providerStatus());
        if (changed || !Objects.equals(completed, batch.completed()) || !Objects.equals(failed, batch.failed())) {
            store.inTransaction(c -> {
                Batches.recordProgress(c, batch.id(), status, total, completed, failed);
                return null;
            });
        }
        String progress = (completed == null ? 0 : completed) + "/" + (total == null ? 0 : total)
                          + (failed != null && failed > 0 ? ", " + failed + " failed" : "");
        if (changed) {
            LOG.info("Batch {} ({}) is {}: {}", batch.id(), batch.providerBatchId(), status, progress);
        } else {
            LOG.debug("Batch {} ({}) still {}: {}", batch.id(), batch.providerBatchId(), status, progress);
        }
        if (!ENDED.contains(status)) {
            return false;
        }
        JsonNode errors = json.path("errors").path("data");
        store.inTransaction(c -> {
            Batches.recordEnd(c, batch.id(), text(json, "output_file_id"), text(json, "error_file_id"),
                    errors.isArray() && !errors.isEmpty() ? errors.toString() : null, clock.instant());
            return null;
        });
        return true;
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
