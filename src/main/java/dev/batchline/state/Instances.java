package dev.batchline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** Removes the row of an instance that stops; its unfinished work waits for whoever takes it. */
    public static void remove(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM instance WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
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

    /**
     * Gives the unfinished sources and batches of one owner ({@code from}; null: work from before owners were
     * kept, or, with {@code everyone}, every other owner) to another; returns how many changed hands.
     */
    public static int transfer(Connection c, String from, boolean everyone, String to) throws SQLException {
        String whose = everyone ? "(owner IS NULL OR owner <> ?)" : from == null ? "owner IS NULL" : "owner = ?";
        int moved = 0;
        for (String sql : new String[] {
            "UPDATE source SET owner = ? WHERE status <> '" + Source.DELIVERED + "' AND " + whose,
            "UPDATE batch SET owner = ? WHERE status <> '" + BatchRecord.PROCESSED + "' AND " + whose}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, to);
                if (everyone) {
                    ps.setString(2, to);
                } else if (from != null) {
                    ps.setString(2, from);
                }
                moved += ps.executeUpdate();
            }
        }
        return moved;
    }
}
