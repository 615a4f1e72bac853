package dev.batchline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The instances that share the state store, and which of them owns each source and batch. A source or batch is
 * owned by the instance that took or opened it until that instance is found dead: then one living instance takes
 * all of its unfinished work at once, in one transaction.
 */
public final class Instances {

    private Instances() {
    }

    /**
     * Locks a source's or batch's row for the caller's transaction and checks that the instance still owns it: a
     * step of an instance taken for dead (its work given to another) fails here instead of being recorded twice.
     * The lock makes a takeover wait until the step is committed.
     */
    static void requireOwner(Connection c, String table, long id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT owner FROM " + table + " WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                String found = rs.next() ? rs.getString(1) : null;
                if (!owner.equals(found)) {
                    throw new TakenOverException("The " + table + " " + id + " belongs to instance " + found
                                                 + " now, not to " + owner + " (taken over when " + owner
                                                 + " was taken for dead)");
                }
            }
        }
    }

    /** Notes a starting instance; false when one of that name is in the table already. */
    public static boolean register(Connection c, String name, String host, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM instance WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO instance (name, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, host);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
        return true;
    }

    /** Renews the instance's lease; false when it has no row any more (its work was taken over). */
    public static boolean beat(Connection c, String name, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE instance SET heartbeat_at = ? WHERE name = ?")) {
            ps.setLong(1, now);
            ps.setString(2, name);
            return ps.executeUpdate() == 1;
        }
    }

    /** Forgets every instance and the inbox files they held: on the embedded store, what the last run left. */
    public static void forgetAll(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.executeUpdate("DELETE FROM instance");
            statement.executeUpdate("DELETE FROM inbox_lock");
        }
    }

    /** The instances whose last heartbeat is older than the cutoff, other than the one asking. */
    public static List<String> deadSince(Connection c, long cutoff, String asking) throws SQLException {
        List<String> dead = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT name FROM instance WHERE heartbeat_at < ? AND name <> ? ORDER BY name")) {
            ps.setLong(1, cutoff);
            ps.setString(2, asking);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dead.add(rs.getString(1));
                }
            }
        }
        return dead;
    }

    /**
     * Removes a dead instance, if it is still dead and still there: true for exactly one of the instances that try
     * at the same time, which then takes its work.
     */
    public static boolean bury(Connection c, String name, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM instance WHERE name = ? AND heartbeat_at < ?")) {
            ps.setString(1, name);
            ps.setLong(2, cutoff);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives the unfinished sources and batches of a dead instance to another; returns how many changed hands. */
    public static int transfer(Connection c, String from, String to) throws SQLException {
        return transfer(c, "owner = ?", from, to);
    }

    /**
     * Gives the unfinished sources and batches no instance owns to this one: work from before owners were kept, and
     * work an instance made after it was taken for dead and before it stopped.
     */
    public static int adoptOrphans(Connection c, String to) throws SQLException {
        return transfer(c, "(owner IS NULL OR NOT EXISTS (SELECT 1 FROM instance i WHERE i.name = {table}.owner))",
                null, to);
    }

    /** Gives every unfinished source and batch to the one instance on the embedded store. */
    public static int takeAll(Connection c, String to) throws SQLException {
        return transfer(c, "(owner IS NULL OR owner <> ?)", to, to);
    }

    private static int transfer(Connection c, String whose, String whoseName, String to) throws SQLException {
        int moved = 0;
        for (String table : new String[] {"source", "batch"}) {
            String unfinished = table.equals("source") ? "status <> '" + Source.DELIVERED + "'"
                    : "status <> '" + BatchRecord.PROCESSED + "'";
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET owner = ? WHERE " + unfinished
                                                           + " AND " + whose.replace("{table}", table))) {
                ps.setString(1, to);
                if (whoseName != null) {
                    ps.setString(2, whoseName);
                }
                moved += ps.executeUpdate();
            }
        }
        return moved;
    }
}
