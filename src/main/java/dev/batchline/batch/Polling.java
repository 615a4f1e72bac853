package dev.batchline.batch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.failure.FailureClass;
import dev.batchline.failure.Failures;
import dev.batchline.failure.Waits;
import dev.batchline.provider.Provider;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.Providers;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the providers how the submitted batches are doing, each batch at the provider that holds it: per provider,
 * one list call per page (newest first) while that finds them faster than one call per batch; then, per batch, its
 * progress is recorded, or it is retrieved on its own when the list did not show it. Logs every status change with
 * {@code completed/total} and marks the batches that ended. The {@code poll-batches} routes call it one provider,
 * then one batch, per exchange.
 */
public final class Polling {

    static final Set<String> ENDED = Set.of("completed", "failed", "expired", "cancelled");
    private static final int PAGE = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Polling.class);

    private final StateStore store;
    private final ProviderClient client;
    private final Providers providers;
    private final Waits waits;
    private final Clock clock;

    public Polling(StateStore store, ProviderClient client, Providers providers, Waits waits, Clock clock) {
        this.store = store;
        this.client = client;
        this.providers = providers;
        this.waits = waits;
        this.clock = clock;
    }

    /** The providers that hold submitted batches, unless they wait or refuse the key. */
    public List<String> providers() {
        Set<String> names = new LinkedHashSet<>();
        for (BatchRecord batch : store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SUBMITTED))) {
            names.add(batch.provider());
        }
        List<String> due = new ArrayList<>();
        for (String name : names) {
            if (waits.providerReady(name)) {
                due.add(name);
            }
        }
        return due;
    }

    /**
     * The submitted batches at one provider that need tracking: those the provider's list showed with news (another
     * status or other counts), each with its batch object, and those it did not show, to be retrieved on their own.
     * A provider that cannot list batches (it refuses, or does not know the call) has each batch retrieved.
     */
    public List<BatchSnapshot> list(@Body String providerName) {
        Map<String, BatchRecord> waiting = new LinkedHashMap<>();
        for (BatchRecord batch : store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SUBMITTED))) {
            if (batch.provider().equals(providerName)) {
                waiting.put(batch.providerBatchId(), batch);
            }
        }
        List<BatchSnapshot> snapshots = new ArrayList<>(waiting.size());
        if (waiting.size() > 1 && providers.available(providerName)) {
            try {
                listed(providers.of(waiting.values().iterator().next()), waiting, snapshots);
            } catch (ProviderException e) {
                FailureClass kind = Failures.of(e);
                if (kind != FailureClass.REFUSED && kind != FailureClass.LOST) {
                    throw e;
                }
                LOG.debug("{} cannot list batches ({}): retrieving each", providerName, e.getMessage());
            }
        }
        for (BatchRecord batch : waiting.values()) {
            snapshots.add(new BatchSnapshot(batch, null));
        }
        return snapshots;
    }

    /**
     * Pages through the list while it finds the batches with fewer calls than retrieving them; a batch the list
     * shows unchanged needs nothing more this round.
     */
    private void listed(Provider provider, Map<String, BatchRecord> waiting, List<BatchSnapshot> snapshots) {
        int pages = 0;
        String after = null;
        while (!waiting.isEmpty() && pages < waiting.size()) {
            JsonNode page = client.listBatches(provider, after, PAGE);
            pages++;
            for (JsonNode batch : page.path("data")) {
                BatchRecord record = waiting.remove(batch.path("id").asText());
                if (record != null && changed(record, batch)) {
                    snapshots.add(new BatchSnapshot(record, batch));
                }
            }
            if (!page.path("has_more").asBoolean(false) || page.path("last_id").isNull()) {
                break;
            }
            after = page.path("last_id").asText();
        }
    }

    /** Whether the batch can be tracked now: the list showed it, or it may be retrieved (it does not wait). */
    public boolean due(@Body BatchSnapshot snapshot) {
        BatchRecord batch = snapshot.batch();
        return snapshot.listed() != null || waits.batchReady(batch.id(), batch.provider());
    }

    /** Records the provider's view of one batch, retrieving it first when the list did not show it. */
    public void track(@Body BatchSnapshot snapshot) {
        BatchRecord batch = snapshot.batch();
        JsonNode json = snapshot.listed();
        if (json == null) {
            json = client.retrieveBatch(providers.of(batch), batch.providerBatchId());
        }
        if (!json.hasNonNull("status")) {
            throw ProviderException.malformed("Retrieving " + batch.label() + " (no status)", batch.provider(), null);
        }
        update(batch, json);
    }

    /** Whether the provider's view of the batch differs from the one recorded, or it ended. */
    private static boolean changed(BatchRecord batch, JsonNode json) {
        JsonNode counts = json.path("request_counts");
        return !status(json).equals(batch.providerStatus()) || ENDED.contains(status(json))
               || batch.lostSince() != null
               || !Objects.equals(count(counts, "completed"), batch.completed())
               || !Objects.equals(count(counts, "failed"), batch.failed());
    }

    /** The batch's status; Azure may send it capitalised. */
    private static String status(JsonNode json) {
        return json.path("status").asText("").toLowerCase(Locale.ROOT);
    }

    private static Integer count(JsonNode counts, String field) {
        return counts.hasNonNull(field) ? counts.get(field).asInt() : null;
    }

    /** Records the provider's view of a batch, which therefore knows it. */
    private void update(BatchRecord batch, JsonNode json) {
        String status = status(json);
        JsonNode counts = json.path("request_counts");
        Integer total = count(counts, "total");
        Integer completed = count(counts, "completed");
        Integer failed = count(counts, "failed");
        boolean newStatus = !status.equals(batch.providerStatus());
        boolean ended = ENDED.contains(status);
        JsonNode errors = json.path("errors").path("data");
        if (changed(batch, json)) {
            // the progress and the end in one transaction: a batch recorded with its final status has ended
            store.inTransaction(c -> {
                Batches.recordProgress(c, batch.id(), status, total, completed, failed);
                if (ended) {
                    Batches.recordEnd(c, batch.id(), text(json, "output_file_id"), text(json, "error_file_id"),
                            errors.isArray() && !errors.isEmpty() ? errors.toString() : null, clock.instant());
                }
                return null;
            });
        }
        if (batch.lostSince() != null) {
            LOG.info("The provider {} knows {} again", batch.provider(), batch.label());
        }
        String progress = (completed == null ? 0 : completed) + "/" + (total == null ? 0 : total)
                          + (failed != null && failed > 0 ? ", " + failed + " failed" : "");
        if (newStatus) {
            LOG.info("Batch {} ({}) is {}: {}", batch.id(), batch.providerBatchId(), status, progress);
        } else {
            LOG.debug("Batch {} ({}) still {}: {}", batch.id(), batch.providerBatchId(), status, progress);
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
