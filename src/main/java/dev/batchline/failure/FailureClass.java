package dev.batchline.failure;

/**
 * What a failure means for the one batch, source or call it concerns: each class has one outcome, decided in the
 * route configurations of {@code routes/error-handling.camel.yaml} (SPEC section 6).
 */
public enum FailureClass {

    /** 408, 409, 429, 5xx, no answer, a timeout, an answer that is not what the API promises: wait and retry. */
    TRANSIENT,
    /** The provider refused the batch as too large (413, or a 400 or a failed batch naming a size or task count). */
    TOO_LARGE,
    /** The batch failed because the organisation's enqueued-token limit was reached. */
    TOKEN_LIMIT,
    /** The provider refused the request for good (another 4xx, a batch failed at validation). */
    REFUSED,
    /** The provider refused the API key (401, 403): nothing is failed, work at that provider pauses. */
    KEY_REFUSED,
    /** The provider does not know what was asked for (404): a batch or file it held and lost. */
    LOST,
    /** Input that can never be a record (a message that is not JSON, a missing field): reported, never retried. */
    INVALID,
    /** Batchline's own trouble (a disk, the state store, a bug): the work waits, and the log has the stack trace. */
    UNEXPECTED
}
