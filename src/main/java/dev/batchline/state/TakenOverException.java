package dev.batchline.state;

/**
 * A step of work that another instance owns now: this instance was taken for dead and its work given away. The
 * step is not recorded; the instance halts at its next heartbeat.
 */
public final class TakenOverException extends IllegalStateException {

    public TakenOverException(String message) {
        super(message);
    }
}
