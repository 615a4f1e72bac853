package dev.batchline.failure;

/**
 * Input that can never be a record: not JSON, a missing or wrong field, an unknown endpoint. Nothing is spooled for
 * it, and sending it again gives the same answer ({@link FailureClass#INVALID}).
 */
public final class InvalidRecordException extends IllegalArgumentException {

    private final String code;

    public InvalidRecordException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The error code, as in an errors file: {@code invalid_json}, {@code missing_field}, ... */
    public String code() {
        return code;
    }
}
