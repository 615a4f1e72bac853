package dev.batchline.state;

import java.time.Instant;

/**
 * One batch as Batchline tracks it: from an open spool on disk to a provider batch whose results are processed.
 *
 * @param spool             the input file, relative to the work folder
 * @param bytes             committed length of the spool
 * @param createAttemptedAt when creating the provider batch was last attempted; such a batch is looked up by its
 *                          key before it is created again
 */
public record BatchRecord(long id, String idempotencyKey, String provider, String endpoint, String model, String status,
                          String spool, int requests, long bytes, Long retryOf, String inputFileId,
                          String providerBatchId, String providerStatus, Integer total, Integer completed,
                          Integer failed, String outputFileId, String errorFileId, String errors, Instant openedAt,
                          Instant sealedAt, Instant submittedAt, Instant endedAt, Instant processedAt,
                          Instant createAttemptedAt) {

    public static final String OPEN = "open";
    public static final String SEALED = "sealed";
    public static final String UPLOADED = "uploaded";
    public static final String SUBMITTED = "submitted";
    public static final String ENDED = "ended";
    public static final String PROCESSED = "processed";

    /** A short name for logs: Batchline's number and the provider's id once there is one. */
    public String label() {
        return "batch " + id + (providerBatchId != null ? " (" + providerBatchId + ")" : "");
    }
}
