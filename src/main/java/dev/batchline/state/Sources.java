package dev.batchline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes sources in the state store. */
public final class Sources {

    /** A file taken from the inbox. */
    public static final String FILE = "file";
    /** A segment of a stream: records sent one at a time to direct:batch or a queue. */
    public static final String STREAM = "stream";

    private Sources() {
    }

    /** The most recent source taken from a file with this identity (name, size, modification time). */
    public static Optional<Source> findByIdentity(Connection c, String identity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM source WHERE identity = ? ORDER BY id DESC LIMIT 1")) {
            ps.setString(1, identity);
            return first(ps);
        }
    }

    /** The identity (size, modification time, name) of the file a source was taken from. */
    public static String identity(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT identity FROM source WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public static Optional<Source> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM source WHERE id = ?")) {
            ps.setLong(1, id);
            return first(ps);
        }
    }

    /** A new source of a file, owned by the instance that reads it. */
    public static Source create(Connection c, String name, String identity, String owner, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO source (name, identity, status, created_at, owner) VALUES (?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, identity);
            ps.setString(3, Source.INGESTING);
            ps.setLong(4, now.toEpochMilli());
            ps.setString(5, owner);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return find(c, keys.getLong(1)).orElseThrow();
            }
        }
    }

    /** Saves an intake checkpoint; with {@code ingestedAt} set, the source is ingested. */
    public static void saveProgress(Connection c, long id, long readOffset, int nextLine, int records, int invalid,
                                    long recordsBytes, Instant ingestedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE source SET read_offset = ?, next_line = ?, records = ?, invalid = ?, records_bytes = ?,"
                + " status = ?, ingested_at = ? WHERE id = ?")) {
            ps.setLong(1, readOffset);
            ps.setInt(2, nextLine);
            ps.setInt(3, records);
            ps.setInt(4, invalid);
            ps.setLong(5, recordsBytes);
            ps.setString(6, ingestedAt == null ? Source.INGESTING : Source.INGESTED);
            Sql.setInstant(ps, 7, ingestedAt);
            ps.setLong(8, id);
            ps.executeUpdate();
        }
    }

    public static void markDelivered(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE source SET status = ?, delivered_at = ? WHERE id = ?")) {
            ps.setString(1, Source.DELIVERED);
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /** Sources of a kind ({@link #FILE} or {@link #STREAM}) with the status. */
    /** The owner's sources of this kind and status. */
    public static List<Source> withStatus(Connection c, String kind, String status, String owner)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM source WHERE kind = ? AND status = ? AND owner = ? ORDER BY id")) {
            ps.setString(1, kind);
            ps.setString(2, status);
            ps.setString(3, owner);
            return all(ps);
        }
    }

    /** Locks the source for the transaction; fails when {@code owner} no longer owns it. */
    public static void requireOwner(Connection c, long id, String owner) throws SQLException {
        Instances.requireOwner(c, "source", id, owner);
    }

    /** Makes the instance that resumes reading a source its owner. */
    public static void claim(Connection c, long id, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE source SET owner = ? WHERE id = ?")) {
            ps.setString(1, owner);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** A new segment of a stream: a source of kind {@link #STREAM} named after the stream. */
    public static Source createSegment(Connection c, String stream, String owner, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO source (name, identity, status, created_at, kind, owner) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, stream);
            ps.setString(2, "stream|" + stream + "|" + owner + "|" + now.toEpochMilli());
            ps.setString(3, Source.INGESTING);
            ps.setLong(4, now.toEpochMilli());
            ps.setString(5, STREAM);
            ps.setString(6, owner);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return find(c, keys.getLong(1)).orElseThrow();
            }
        }
    }

    /** The owner's ingested sources none of whose records wait in a batch that is not processed yet. */
    public static List<Source> readyToDeliver(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM source s WHERE s.kind = 'file' AND s.status = ? AND s.owner = ? AND NOT EXISTS"
                + " (SELECT 1 FROM batch_source bs JOIN batch b ON b.id = bs.batch_id WHERE bs.source_id = s.id"
                + " AND b.status <> ?) ORDER BY s.id")) {
            ps.setString(1, Source.INGESTED);
            ps.setString(2, owner);
            ps.setString(3, BatchRecord.PROCESSED);
            return all(ps);
        }
    }

    private static Optional<Source> first(PreparedStatement ps) throws SQLException {
        List<Source> all = all(ps);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private static List<Source> all(PreparedStatement ps) throws SQLException {
        List<Source> sources = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                sources.add(new Source(rs.getLong("id"), rs.getString("name"), rs.getString("status"),
                        rs.getLong("read_offset"), rs.getInt("next_line"), rs.getInt("records"), rs.getInt("invalid"),
                        rs.getLong("records_bytes"), Sql.instant(rs, "created_at"), Sql.instant(rs, "ingested_at"),
                        Sql.instant(rs, "delivered_at")));
            }
        }
        return sources;
    }
}
