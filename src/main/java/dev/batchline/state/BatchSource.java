package dev.batchline.state;

/**
 * What one batch did for one source: how many of its requests it carried and what became of them.
 *
 * @param retried requests resubmitted in a new batch, for any reason
 * @param lost    of those, the requests resubmitted because the provider lost the batch
 */
public record BatchSource(long batchId, long sourceId, int requests, int succeeded, int failed, int retried,
                          int lost, long promptTokens, long completionTokens) {
}
