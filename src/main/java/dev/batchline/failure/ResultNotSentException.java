package dev.batchline.failure;

/**
 * A result endpoint (a queue, a route of the user's) did not take a stream record's result: the endpoint's own
 * trouble, not Batchline's, so the results wait and are sent again ({@link FailureClass#TRANSIENT}).
 */
public final class ResultNotSentException extends RuntimeException {

    public ResultNotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}
