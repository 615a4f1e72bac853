package dev.batchline.batch;

/** What requests must share to go into one batch: the endpoint and the model (one provider per instance). */
public record BatchKey(String endpoint, String model) {
}
