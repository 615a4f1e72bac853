package dev.batchline.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import dev.batchline.state.Instances;
import dev.batchline.state.StateStore;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This running Batchline among those that share the state store: it has a name, notes itself in the store at start,
 * and renews its lease with a heartbeat. Sources and batches it takes are its own until it stops or its lease runs
 * out; then a living instance takes them ({@link Takeover}). On the embedded store there is one instance,
 * {@value #EMBEDDED}, and whatever the last run left is its own at once.
 */
public final class Instance extends ServiceSupport {

    /** The name of the one instance on the embedded store. */
    public static final String EMBEDDED = "local";
    private static final Logger LOG = LoggerFactory.getLogger(Instance.class);

    private final StateStore store;
    private final String name;
    private final Duration lease;
    private final CamelContext context;
    private final Clock clock;
    private volatile boolean fenced;

    public Instance(StateStore store, String name, Duration lease, CamelContext context, Clock clock) {
        this.store = store;
        this.name = store.embedded() ? EMBEDDED : name == null || name.isBlank() ? generatedName() : name.trim();
        this.lease = lease;
        this.context = context;
        this.clock = clock;
    }

    /** The host's name and a random suffix: unique, and readable in the logs and the store. */
    private static String generatedName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "batchline";
        }
        byte[] suffix = new byte[3];
        new SecureRandom().nextBytes(suffix);
        return host + "-" + HexFormat.of().formatHex(suffix);
    }

    public String name() {
        return name;
    }

    public Duration lease() {
        return lease;
    }

    @Override
    protected void doStart() {
        long now = clock.millis();
        boolean registered = store.inTransaction(c -> {
            if (store.embedded()) {
                // the only instance on this store: what the last run owned, and the inbox files it held, are its own
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM instance")) {
                    ps.executeUpdate();
                }
                releaseInboxLocks(c);
                Instances.transfer(c, null, true, name);
            } else if (Instances.bury(c, name, now - lease.toMillis())) {
                LOG.info("Instance {} was stopped or lost; its work is its own again", name);
            }
            return Instances.register(c, name, host(), now);
        });
        if (!registered) {
            throw new IllegalStateException("An instance named " + name + " is running on the state store (its"
                                            + " heartbeat is younger than batchline.cluster.lease, " + lease.toSeconds()
                                            + " s): give every instance its own batchline.cluster.instance, or leave"
                                            + " it empty for a generated one");
        }
        LOG.info("Instance {} started (lease {} s)", name, lease.toSeconds());
    }

    private static void releaseInboxLocks(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM inbox_lock")) {
            ps.executeUpdate();
        }
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
        if (store.inTransaction(c -> Instances.beat(c, name, clock.millis()))) {
            return;
        }
        fenced = true;
        LOG.error("Instance {} was taken for dead (no heartbeat for longer than batchline.cluster.lease, {} s) and"
                  + " its work was given to another instance: stopping now", name, lease.toSeconds());
        Thread stopper = new Thread(context::stop, "batchline-fenced");
        stopper.start();
    }

    /** A clean stop hands the work over at once: the lease ends now rather than after its time. */
    @Override
    protected void doStop() {
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
