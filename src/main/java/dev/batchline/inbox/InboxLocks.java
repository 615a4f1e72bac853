package dev.batchline.inbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

import dev.batchline.state.StateStore;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The read lock of the inbox among instances that share it: Camel's file consumer ({@code readLock=
 * idempotent-changed}) takes a file only after {@link #add} gave it this instance, and gives it back when the file is
 * done (moved) or failed. A file stays with the instance that took it while that instance's lease lives (its
 * heartbeat, {@code batchline.cluster.lease}); after that, the first living instance to ask takes it over and resumes
 * its source from the last checkpoint. Taking is one conditional statement, so of two instances that ask at once,
 * exactly one gets the file.
 */
public final class InboxLocks extends ServiceSupport implements IdempotentRepository {

    private final StateStore store;
    private final String owner;
    private final Duration lease;
    private final Clock clock;

    public InboxLocks(StateStore store, String owner, Duration lease, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
    }

    /** Takes the file for this instance: true when it was free, or held by an instance that is dead (or this one). */
    @Override
    public boolean add(String path) {
        long now = clock.millis();
        try {
            return store.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox_lock (path, owner, locked_at)"
                                                               + " VALUES (?, ?, ?)")) {
                    ps.setString(1, path);
                    ps.setString(2, owner);
                    ps.setLong(3, now);
                    return ps.executeUpdate() == 1;
                }
            });
        } catch (SQLException e) {
            if (!String.valueOf(e.getSQLState()).startsWith("23")) { // not "held already"
                throw new IllegalStateException("State store: " + e.getMessage(), e);
            }
        }
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE inbox_lock SET owner = ?, locked_at = ? WHERE path = ? AND (owner = ? OR NOT EXISTS"
                    + " (SELECT 1 FROM instance i WHERE i.name = inbox_lock.owner AND i.heartbeat_at >= ?))")) {
                ps.setString(1, owner);
                ps.setLong(2, now);
                ps.setString(3, path);
                ps.setString(4, owner);
                ps.setLong(5, now - lease.toMillis());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Whether the file is held, by any instance. */
    @Override
    public boolean contains(String path) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbox_lock WHERE path = ?")) {
                ps.setString(1, path);
                try (ResultSet held = ps.executeQuery()) {
                    return held.next();
                }
            }
        });
    }

    /** Gives the file back (it was moved away, or failed and may be tried again). */
    @Override
    public boolean remove(String path) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inbox_lock WHERE path = ? AND owner = ?")) {
                ps.setString(1, path);
                ps.setString(2, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean confirm(String path) {
        return true;
    }

    /** Gives back every file this instance holds. */
    @Override
    public void clear() {
        store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inbox_lock WHERE owner = ?")) {
                ps.setString(1, owner);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    protected void doStop() {
        // the locks stay with this instance until its lease ends (at once on a clean stop)
    }
}
