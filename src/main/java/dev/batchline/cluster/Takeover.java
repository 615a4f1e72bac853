package dev.batchline.cluster;

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
 * its unfinished sources and batches become this instance's, in one transaction that only one living instance wins
 * (so does work no instance owns). It is then handled as after a restart: its open batches are sealed at their last
 * checkpoint, its partly read files are resumed from their checkpoints when the inbox gives them out again, its
 * stream segments take no more records, and its sealed, submitted and ended batches and its deliveries go on here.
 */
public final class Takeover {

    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

    private final StateStore store;
    private final Instance instance;
    private final Spools spools;
    private final Intake intake;
    private final Streams streams;
    private final Clock clock;
    /** Work taken over whose open batches, sources and segments are not adopted yet (a failed round is redone). */
    private volatile boolean toAdopt;

    public Takeover(StateStore store, Instance instance, Spools spools, Intake intake, Streams streams, Clock clock) {
        this.store = store;
        this.instance = instance;
        this.spools = spools;
        this.intake = intake;
        this.streams = streams;
        this.clock = clock;
    }

    /** Takes the work of the instances found dead now, if any, and adopts what that work left open. */
    public void run() {
        if (instance.fenced()) {
            return; // taken for dead itself: it takes nothing more
        }
        long cutoff = clock.millis() - instance.lease().toMillis();
        String me = instance.name();
        List<String> taken = new ArrayList<>();
        int moved = store.inTransaction(c -> {
            int count = 0;
            for (String dead : Instances.deadSince(c, cutoff, me)) {
                if (Instances.bury(c, dead, cutoff)) {
                    count += Instances.transfer(c, dead, me);
                    taken.add(dead);
                }
            }
            return count + Instances.adoptOrphans(c, me);
        });
        if (!taken.isEmpty()) {
            LOG.warn("Took over the work of instance {} (it stopped, or sent no heartbeat for the {} s lease): {}"
                     + " sources and batches", String.join(", ", taken), instance.lease().toSeconds(), moved);
        } else if (moved > 0) {
            LOG.warn("Took over {} sources and batches that no instance owned", moved);
        }
        if (moved > 0) {
            toAdopt = true;
        }
        if (toAdopt) {
            spools.adopt();
            intake.recover();
            streams.adopt();
            toAdopt = false;
        }
    }
}
