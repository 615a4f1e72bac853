package dev.batchline.batch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.batchline.Headers;
import dev.batchline.failure.FailureClass;
import dev.batchline.failure.Failures;
import dev.batchline.failure.UnknownOutcomeException;
import dev.batchline.failure.Waits;
import dev.batchline.provider.Provider;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.Providers;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits one sealed batch, exactly once, at the provider of new batches: uploads the input file
 * ({@code batchline-<key>.jsonl}, purpose {@code batch}) and records its id together with that provider, which holds
 * the batch from then on; notes the attempt, then creates the provider batch with metadata that names it
 * ({@code batchline_key}) and records the batch id. A batch whose creation was attempted before (its answer lost to
 * a dropped connection or a crash) is first looked up by its key among the provider's batches, and only created when
 * it is not there. The {@code submit-batch} route calls it one batch per exchange; what a failure means for the
 * batch is decided by the {@code submit-failures} route configuration.
 */
public final class Submission {

    /** Metadata key holding a batch's idempotency key at the provider. */
    public static final String KEY_METADATA = "batchline_key";

    private static final Logger LOG = LoggerFactory.getLogger(Submission.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far before the noted attempt a lookup searches, for clocks that disagree. */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(10);
    private static final int PAGE = 100;

    private final StateStore store;
    private final String owner;
    private final WorkFolder work;
    private final ProviderClient client;
    private final Providers providers;
    private final Waits waits;
    private final Clock clock;

    /** Submits the batches {@code owner} (an instance) owns. */
    public Submission(StateStore store, String owner, WorkFolder work, ProviderClient client, Providers providers,
                      Waits waits, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.work = work;
        this.client = client;
        this.providers = providers;
        this.waits = waits;
        this.clock = clock;
    }

    /** The sealed and uploaded batches to submit now: neither they nor their provider wait. */
    public List<Long> due() {
        List<Long> due = new ArrayList<>();
        for (BatchRecord batch : store.inTransaction(c -> Batches.ownedWithStatus(c, owner, BatchRecord.SEALED,
                BatchRecord.UPLOADED))) {
            if (ready(batch)) {
                due.add(batch.id());
            }
        }
        return due;
    }

    /** Whether the batch may be tried now; false as well when it was submitted meanwhile. */
    public boolean ready(@Body long batchId) {
        return store.inTransaction(c -> Batches.find(c, batchId)).filter(this::ready).isPresent();
    }

    private boolean ready(BatchRecord batch) {
        boolean due = batch.status().equals(BatchRecord.SEALED) || batch.status().equals(BatchRecord.UPLOADED);
        return due && waits.batchReady(batch.id(), providerName(batch));
    }

    /** A sealed batch goes to the provider of new batches; an uploaded one stays where its file is. */
    private String providerName(BatchRecord batch) {
        return batch.status().equals(BatchRecord.SEALED) ? providers.current().name() : batch.provider();
    }

    /** Uploads the batch's input file to the provider of new batches, unless it is uploaded already. */
    public void upload(@Body long batchId) {
        BatchRecord batch = find(batchId);
        if (!batch.status().equals(BatchRecord.SEALED)) {
            return;
        }
        Provider provider = providers.current();
        JsonNode file = client.uploadBatchFile(provider, work.resolve(batch.spool()),
                uploadName(batch.idempotencyKey()));
        String inputFileId = file.path("id").asText("");
        if (inputFileId.isEmpty()) {
            throw ProviderException.malformed("Uploading the input file of " + batch.label() + " (no file id)",
                    provider.name(), null);
        }
        store.inTransaction(c -> {
            Batches.requireOwner(c, batch.id(), owner);
            Batches.recordUpload(c, batch.id(), provider.name(), provider.keyFingerprint(), inputFileId);
            return null;
        });
        LOG.debug("Uploaded batch {} to {} as {}", batch.id(), provider.name(), inputFileId);
    }

    /** Creates the provider batch of an uploaded batch, at the provider that holds its input file. */
    public void create(@Body long batchId) {
        BatchRecord batch = find(batchId);
        if (!batch.status().equals(BatchRecord.UPLOADED)) {
            return;
        }
        Provider provider = providers.of(batch);
        JsonNode created = null;
        if (batch.createAttemptedAt() != null) {
            try {
                created = findCreated(provider, batch).orElse(null);
            } catch (ProviderException e) {
                throw new UnknownOutcomeException("Looking up whether " + batch.label() + " was created at an earlier"
                                                  + " attempt failed (" + e.getMessage() + "); it is not created"
                                                  + " again until that is known", e);
            }
            if (created != null) {
                LOG.info("Found batch {} at the provider as {}: its creation had succeeded", batch.id(),
                        created.path("id").asText());
            }
        }
        if (created == null) {
            store.inTransaction(c -> {
                Batches.requireOwner(c, batch.id(), owner); // the attempt is this instance's to make
                Batches.recordCreateAttempt(c, batch.id(), clock.instant());
                return null;
            });
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(KEY_METADATA, batch.idempotencyKey());
            metadata.put("batchline_batch", Long.toString(batch.id()));
            created = client.createBatch(provider, batch.inputFileId(), batch.endpoint(), metadata);
        }
        String providerBatchId = created.path("id").asText("");
        if (providerBatchId.isEmpty()) {
            throw ProviderException.malformed("Creating " + batch.label() + " (no batch id)", provider.name(), null);
        }
        String status = created.path("status").asText("validating");
        store.inTransaction(c -> {
            Batches.recordSubmission(c, batch.id(), providerBatchId, status, clock.instant());
            return null;
        });
        LOG.info("Submitted batch {} to {} as {}: {} requests to {} ({})", batch.id(), provider.name(),
                providerBatchId, batch.requests(), batch.endpoint(), batch.model());
    }

    /**
     * The provider refused the batch (as too large, or for good): it ends here with the provider's error, and
     * filing splits it or reports its records. Nothing was created at the provider.
     */
    public void refused(Exchange exchange, @Header(Headers.BATCH) long batchId) {
        Throwable failure = Failures.failureOf(exchange);
        BatchRecord batch = find(batchId);
        ProviderException refusal = Failures.providerFailure(failure);
        String code = refusal == null ? "refused"
                : refusal.code() != null ? refusal.code() : "http_" + refusal.status();
        String message = refusal == null ? String.valueOf(failure.getMessage())
                : refusal.providerMessage() != null ? refusal.providerMessage() : "HTTP " + refusal.status();
        ArrayNode error = JSON.createArrayNode();
        error.addObject().put("code", code).put("message", message).putNull("line");
        String errors = error.toString();
        String provider = refusal != null && refusal.provider() != null ? refusal.provider() : batch.provider();
        store.inTransaction(c -> {
            Batches.recordRefusal(c, batch.id(), provider, errors, clock.instant());
            return null;
        });
        waits.forget(Waits.batch(batch.id()));
        if (Failures.of(failure) == FailureClass.TOO_LARGE) {
            LOG.info("The provider refused {} ({} requests, {} bytes) as too large: {} ({}); it is split", batch.label(),
                    batch.requests(), batch.bytes(), message, code);
        } else {
            LOG.warn("The provider refused {} ({} requests, {} bytes): {} ({}); its records are reported as failed",
                    batch.label(), batch.requests(), batch.bytes(), message, code);
        }
    }

    /**
     * The provider answered 404 while the batch was submitted. When it was creating the batch and the provider no
     * longer has the uploaded input file (a provider wiped, a file expired), the batch is uploaded again (a creation
     * attempted before is still looked up first); any other 404 (an upload or batch endpoint the provider lacks) only
     * leaves the batch waiting a back-off.
     */
    public void notFound(Exchange exchange, @Header(Headers.BATCH) long batchId) {
        BatchRecord batch = find(batchId);
        if (batch.status().equals(BatchRecord.UPLOADED) && inputFileLost(batch)) {
            store.inTransaction(c -> {
                Batches.forgetUpload(c, batch.id());
                return null;
            });
            LOG.warn("The provider {} does not know the input file {} of {}: it is uploaded again", batch.provider(),
                    batch.inputFileId(), batch.label());
        }
        waits.waitAfter(exchange);
    }

    /** Whether the provider holding the batch says it does not know its input file. */
    private boolean inputFileLost(BatchRecord batch) {
        try {
            client.retrieveFile(providers.of(batch), batch.inputFileId());
            return false;
        } catch (ProviderException e) {
            return Failures.of(e) == FailureClass.LOST;
        }
    }

    private BatchRecord find(long batchId) {
        return store.inTransaction(c -> Batches.find(c, batchId))
                .orElseThrow(() -> new IllegalStateException("No batch " + batchId + " in the state store"));
    }

    /** The name a batch's input file gets at the provider, which ties it to the batch. */
    static String uploadName(String idempotencyKey) {
        return "batchline-" + idempotencyKey + ".jsonl";
    }

    /** The provider's batch carrying this batch's key, searched newest first back to before the last attempt. */
    private Optional<JsonNode> findCreated(Provider provider, BatchRecord batch) {
        long since = batch.createAttemptedAt().minus(CLOCK_SLACK).getEpochSecond();
        String after = null;
        while (true) {
            JsonNode page = client.listBatches(provider, after, PAGE);
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
