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

    private Headers() {
    }
}
