package dev.batchline.cluster;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import dev.batchline.batch.Spools;
import dev.batchline.inbox.Intake;
import dev.batchline.state.Instances;
import dev.batchline.state.StateStore;
import dev.batchline.stream.Streams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the work of instances that died: an instance whose heartbeat is older than the lease is removed, and
 * its unfinished sources and batches become this instance's, in one transaction that only one living instance wins.
 * They are then handled as after a restart: its open batches are sealed at their last checkpoint, its partly read
 * files are resumed from their checkpoints when the inbox gives them out again, its stream segments take no more
 * records, and its sealed, submitted and ended batches and its deliveries go on here.
 */
public final class Takeover {

    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

    private final StateStore store;
    private final Instance instance;
    private final Spools spools;
    private final Intake intake;
    private final Streams streams;
    private final Clock clock;

    public Takeover(StateStore store, Instance instance, Spools spools, Intake intake, Streams streams, Clock clock) {
        this.store = store;
        this.instance = instance;
        this.spools = spools;
        this.intake = intake;
        this.streams = streams;
        this.clock = clock;
    }

    /** Takes the work of the instances found dead now, if any, and adopts what this instance owns but does not hold. */
    public void run() throws IOException {
        long cutoff = clock.millis() - instance.lease().toMillis();
        String me = instance.name();
        List<String> taken = new ArrayList<>();
        int moved = store.inTransaction(c -> {
            int count = Instances.transfer(c, null, false, me); // work from before owners were kept
            for (String dead : Instances.deadSince(c, cutoff, me)) {
                if (Instances.bury(c, dead, cutoff)) {
                    count += Instances.transfer(c, dead, false, me);
                    taken.add(dead);
                }
            }
            return count;
        });
        if (!taken.isEmpty()) {
            LOG.warn("Took over the work of instance {} (it stopped, or sent no heartbeat for the {} s lease): {}"
                     + " sources and batches", String.join(", ", taken), instance.lease().toSeconds(), moved);
        }
        // every time, not only after a takeover, so that what a failed round left is adopted in the next
        spools.adopt();
        intake.recover();
        streams.adopt();
    }
}
