package dev.batchline.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;

import dev.batchline.cluster.Instance;
import dev.batchline.state.StateStore;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The read lock of the inbox among instances that share it: Camel's file consumer ({@code readLock=
 * idempotent-changed}) takes a file only after {@link #add} gave it this instance, and gives it back when the file is
 * done (moved) or failed. A file stays with the instance that took it while that instance lives; once the instance
 * was taken for dead (its row removed by the takeover, which also fences it), the first living instance to ask takes
 * the file and resumes its source from the last checkpoint. Taking is one conditional statement, so of two instances
 * that ask at once, exactly one gets the file. A file is keyed by a digest of its absolute path.
 */
public final class InboxLocks extends ServiceSupport implements IdempotentRepository {

    private final StateStore store;
    private final Instance instance;
    private final Clock clock;

    public InboxLocks(StateStore store, Instance instance, Clock clock) {
        this.store = store;
        this.instance = instance;
        this.clock = clock;
    }

    /** Takes the file for this instance: true when it was free, or held by an instance that is gone (or this one). */
    @Override
    public boolean add(String path) {
        if (instance.fenced()) {
            return false;
        }
        String key = key(path);
        String owner = instance.name();
        long now = clock.millis();
        boolean held = store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbox_lock WHERE path_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        if (!held) {
            try {
                return store.transaction(c -> {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO inbox_lock (path_key, path, owner,"
                                                                   + " locked_at) VALUES (?, ?, ?, ?)")) {
                        ps.setString(1, key);
                        ps.setString(2, path);
                        ps.setString(3, owner);
                        ps.setLong(4, now);
                        return ps.executeUpdate() == 1;
                    }
                });
            } catch (SQLException e) {
                if (!String.valueOf(e.getSQLState()).startsWith("23")) { // not "taken at the same moment"
                    throw new IllegalStateException("State store: " + e.getMessage(), e);
                }
            }
        }
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE inbox_lock SET owner = ?, locked_at = ? WHERE path_key = ? AND (owner = ? OR NOT EXISTS"
                    + " (SELECT 1 FROM instance i WHERE i.name = inbox_lock.owner))")) {
                ps.setString(1, owner);
                ps.setLong(2, now);
                ps.setString(3, key);
                ps.setString(4, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Whether the file is held, by any instance. */
    @Override
    public boolean contains(String path) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM inbox_lock WHERE path_key = ?")) {
                ps.setString(1, key(path));
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
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM inbox_lock WHERE path_key = ? AND owner = ?")) {
                ps.setString(1, key(path));
                ps.setString(2, instance.name());
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
                ps.setString(1, instance.name());
                return ps.executeUpdate();
            }
        });
    }

    /** The SHA-256 of the path: a key of fixed length, whatever the path's (an index entry has a size limit). */
    private static String key(String path) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(path.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void doStop() {
        // the locks stay with this instance until its lease ends (at once on a clean stop)
    }
}
