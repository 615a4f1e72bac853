package dev.batchline;

/** The names of the headers Batchline reads and sets on exchanges, in one place. */
public final class Headers {

    /** The model of a plain-prompt call to {@code direct:realtime}, when the request does not name one. */
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

    private Headers() {
    }
}
