package dev.batchline;

/** The names of the headers Batchline reads and sets on exchanges, in one place. */
public final class Headers {

    /** The model of a plain prompt sent to {@code direct:realtime} or {@code direct:batch}. */
    public static final String MODEL = "BatchlineModel";
    /** Prompt tokens the real-time call used. */
    public static final String PROMPT_TOKENS = "BatchlinePromptTokens";
    /** Completion tokens the real-time call used. */
    public static final String COMPLETION_TOKENS = "BatchlineCompletionTokens";
    /** All tokens the real-time call used. */
    public static final String TOTAL_TOKENS = "BatchlineTotalTokens";

    /** The batch (Batchline's number) an exchange of the pipeline works on: sealing, submitting, tracking, filing. */
    public static final String BATCH = "BatchlineBatch";
    /** The source (Batchline's number) an exchange of the pipeline delivers. */
    public static final String SOURCE_ID = "BatchlineSourceId";
    /** The provider ({@code local}, {@code openai} or a base URL) an exchange of the pipeline works with. */
    public static final String PROVIDER = "BatchlineProvider";
    /** The class of the failure an exchange of the pipeline is handling ({@code TRANSIENT}, {@code REFUSED}, ...). */
    public static final String FAILURE = "BatchlineFailure";

    /** The stream a record sent to {@code direct:batch} belongs to ({@code direct} when not set); on results too. */
    public static final String SOURCE = "BatchlineSource";
    /**
     * The {@code custom_id} of a record sent to {@code direct:batch} that does not carry one; set on the reply (the
     * record's {@code custom_id}) and on its result.
     */
    public static final String CUSTOM_ID = "BatchlineCustomId";
    /** The system prompt of a plain prompt sent to {@code direct:batch}. */
    public static final String SYSTEM = "BatchlineSystem";
    /** The endpoint a stream record's result goes to, instead of {@code batchline.results.endpoint}. */
    public static final String REPLY_TO = "BatchlineReplyTo";
    /** The correlation id a stream record's result carries as {@code JMSCorrelationID}. */
    public static final String CORRELATION_ID = "BatchlineCorrelationId";
    /** On a result: {@code succeeded} or {@code failed}. */
    public static final String STATUS = "BatchlineStatus";
    /** Whether {@code direct:batch} took the record now ({@code false}: the stream had it already). */
    public static final String TAKEN = "BatchlineTaken";
    /** On a message moved to the invalid queue: why it can never be a record. */
    public static final String INVALID_REASON = "BatchlineInvalidReason";

    private Headers() {
    }
}
