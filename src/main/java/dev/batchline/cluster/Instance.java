package dev.batchline.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.batchline.state.Instances;
import dev.batchline.state.StateStore;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This running Batchline among those that share the state store: it has a name, notes itself in the store at start,
 * and renews its lease with a heartbeat on a thread of its own, from its start to its stop (so start-up and a
 * graceful shutdown are covered too). Sources and batches it takes are its own until it stops or its lease runs out;
 * then a living instance takes them ({@link Takeover}). On the embedded store there is one instance,
 * {@value #EMBEDDED}, and whatever the last run left is its own at once.
 */
public final class Instance extends ServiceSupport {

    /** The name of the one instance on the embedded store. */
    public static final String EMBEDDED = "local";
    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    private final StateStore store;
    private final String name;
    private final Duration lease;
    private final Duration heartbeat;
    private final Runnable whenFenced;
    private final Clock clock;
    private ScheduledExecutorService beats;
    private volatile boolean fenced;

    /**
     * @param whenFenced what to do when this instance finds it was taken for dead: the application halts, as if
     *                   killed, so that nothing it was doing carries on beside the instance that took its work
     */
    public Instance(StateStore store, String name, Duration lease, Duration heartbeat, Runnable whenFenced,
                    Clock clock) {
        this.store = store;
        this.name = store.embedded() ? EMBEDDED : name == null || name.isBlank() ? generatedName() : name.trim();
        this.lease = lease;
        this.heartbeat = heartbeat;
        this.whenFenced = whenFenced;
        this.clock = clock;
    }

    /** The host's name and a random suffix: unique, and readable in the logs and the store. */
    private static String generatedName() {
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        String host = host();
        return (host == null ? "batchline" : host) + "-" + HexFormat.of().formatHex(suffix);
    }

    public String name() {
        return name;
    }

    public Duration lease() {
        return lease;
    }

    /** Whether this instance was taken for dead: it must not take or do any more work. */
    public boolean fenced() {
        return fenced;
    }

    @Override
    protected void doStart() {
        long now = clock.millis();
        boolean registered;
        try {
            registered = store.transaction(c -> {
                if (store.embedded()) {
                    // the only instance on this store: what the last run owned, and the inbox files it held, are its
                    // own
                    Instances.forgetAll(c);
                    Instances.takeAll(c, name);
                } else if (Instances.bury(c, name, now - lease.toMillis())) {
                    LOG.info("Instance {} was stopped or lost; its work is its own again", name);
                }
                return Instances.register(c, name, host(), now);
            });
        } catch (SQLException e) {
            registered = false; // another instance of that name registered at the same moment
        }
        if (!registered) {
            throw new IllegalStateException("An instance named " + name + " is running on the state store (its"
                                            + " heartbeat is younger than batchline.cluster.lease, " + lease.toSeconds()
                                            + " s): give every instance its own batchline.cluster.instance, or leave"
                                            + " it empty for a generated one");
        }
        beats = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "batchline-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        beats.scheduleWithFixedDelay(this::heartbeat, heartbeat.toMillis(), heartbeat.toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Instance {} started (lease {} s, heartbeat {} s)", name, lease.toSeconds(), heartbeat.toSeconds());
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Renews the lease. An instance whose row is gone was taken for dead (it stalled for longer than the lease) and
     * its work now belongs to another: it stops at once rather than do that work twice.
     */
    public void heartbeat() {
        if (fenced) {
            return;
        }
        try {
            if (store.inTransaction(c -> Instances.beat(c, name, clock.millis()))) {
                return;
            }
        } catch (RuntimeException e) {
            LOG.warn("Instance {} could not renew its lease: {}", name, e.getMessage());
            return;
        }
        fenced = true;
        LOG.error("Instance {} was taken for dead (no heartbeat for longer than batchline.cluster.lease, {} s) and"
                  + " its work was given to another instance: stopping now", name, lease.toSeconds());
        whenFenced.run();
    }

    /** A clean stop hands the work over at once: the lease ends now rather than after its time. */
    @Override
    protected void doStop() {
        if (beats != null) {
            beats.shutdownNow();
            beats = null;
        }
        if (fenced || store.embedded()) {
            return;
        }
        try {
            store.transaction(c -> Instances.beat(c, name, 0));
            LOG.info("Instance {} stopped; its unfinished work goes to the others", name);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Ending the lease of instance {} failed; the others take its work after the lease", name, e);
        }
    }
}
