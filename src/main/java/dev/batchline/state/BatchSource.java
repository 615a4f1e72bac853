package dev.batchline.state;

/** What one batch did for one source: how many of its requests it carried and what became of them. */
public record BatchSource(long batchId, long sourceId, int requests, int succeeded, int failed, int retried,
                          long promptTokens, long completionTokens) {
}
