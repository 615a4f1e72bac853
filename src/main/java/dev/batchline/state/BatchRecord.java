package dev.batchline.state;

import java.time.Instant;

/**
 * One batch as Batchline tracks it: from an open spool on disk to a provider batch whose results are processed.
 *
 * @param spool             the input file, relative to the work folder
 * @param bytes             committed length of the spool
 * @param provider          where the batch is held: {@code local} (the embedded local provider), {@code openai}, or a
 *                          base URL; fixed when its input file is uploaded, so it is polled there whatever
 *                          {@code batchline.provider} says later
 * @param createAttemptedAt when creating the provider batch was last attempted; such a batch is looked up by its
 *                          key before it is created again
 * @param lostSince         when the provider first answered that it does not know the batch, while it still does not
 * @param splitOf           the batch this one is a half of, when the provider refused that one as too large
 * @param keyFingerprint    a digest of the API key the input file was uploaded with (never the key), or null
 */
public record BatchRecord(long id, String idempotencyKey, String provider, String endpoint, String model, String status,
                          String spool, int requests, long bytes, Long retryOf, String inputFileId,
                          String providerBatchId, String providerStatus, Integer total, Integer completed,
                          Integer failed, String outputFileId, String errorFileId, String errors, Instant openedAt,
                          Instant sealedAt, Instant submittedAt, Instant endedAt, Instant processedAt,
                          Instant createAttemptedAt, Instant lostSince, Long splitOf, String keyFingerprint) {

    public static final String OPEN = "open";
    public static final String SEALED = "sealed";
    public static final String UPLOADED = "uploaded";
    public static final String SUBMITTED = "submitted";
    public static final String ENDED = "ended";
    public static final String PROCESSED = "processed";

    /** Provider status Batchline gives a batch the provider refused at upload or creation. */
    public static final String REFUSED = "refused";
    /** Provider status Batchline gives a batch the provider no longer knows, once the grace has passed. */
    public static final String LOST = "lost";

    /** A short name for logs: Batchline's number and the provider's id once there is one. */
    public String label() {
        return "batch " + id + (providerBatchId != null ? " (" + providerBatchId + ")" : "");
    }
}
