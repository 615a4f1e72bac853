package dev.batchline.outbox;

import java.io.IOException;
import java.util.Collection;

import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a delivered source (a file, or a stream segment whose results were all sent) leaves in the work
 * folder: its own files, and those of each of its batches once every source of that batch is delivered.
 */
public final class DeliveredWork {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveredWork.class);

    private final StateStore store;
    private final WorkFolder work;

    public DeliveredWork(StateStore store, WorkFolder work) {
        this.store = store;
        this.work = work;
    }

    public void cleanUp(long sourceId, Collection<Long> batchIds) {
        try {
            WorkFolder.deleteTree(work.source(sourceId));
            for (long batchId : batchIds) {
                if (store.inTransaction(c -> Batches.allSourcesDelivered(c, batchId))) {
                    WorkFolder.deleteTree(work.batch(batchId));
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean up the work files of source {}", sourceId, e);
        }
    }
}
