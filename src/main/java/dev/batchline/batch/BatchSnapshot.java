package dev.batchline.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.state.BatchRecord;

/**
 * A submitted batch as one poll found it: the provider's batch object from its list, or null when the list did not
 * show it (the batch is then retrieved on its own).
 */
public record BatchSnapshot(BatchRecord batch, JsonNode listed) {

    /** Batchline's number of the batch, for the route's header. */
    public long batchId() {
        return batch.id();
    }
}
