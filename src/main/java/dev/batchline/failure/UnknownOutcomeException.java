package dev.batchline.failure;

/**
 * Whether a call took effect is not known and could not be found out: a batch whose creation was attempted before
 * could not be looked up at the provider. The work waits (a transient failure) rather than risk doing it twice.
 */
public final class UnknownOutcomeException extends RuntimeException {

    public UnknownOutcomeException(String message, Throwable cause) {
        super(message, cause);
    }
}
