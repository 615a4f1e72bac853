package dev.batchline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Reads and writes the records taken from streams, and the sending of their results, in the state store. */
public final class StreamRecords {

    private StreamRecords() {
    }

    public static Optional<StreamRecord> find(Connection c, String stream, String customId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM stream_record WHERE stream = ? AND custom_id = ?")) {
            ps.setString(1, stream);
            ps.setString(2, customId);
            List<StreamRecord> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    public static void insert(Connection c, StreamRecord record, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO stream_record (stream, custom_id, source_id, ordinal, reply_to, correlation_id,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, record.stream());
            ps.setString(2, record.customId());
            ps.setLong(3, record.sourceId());
            ps.setInt(4, record.ordinal());
            ps.setString(5, record.replyTo());
            ps.setString(6, record.correlationId());
            ps.setLong(7, now.toEpochMilli());
            ps.executeUpdate();
        }
    }

    /** The records of a segment whose result was not sent yet, in order. */
    public static List<StreamRecord> unsent(Connection c, long sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM stream_record WHERE source_id = ? AND sent_at IS NULL ORDER BY ordinal")) {
            ps.setLong(1, sourceId);
            return all(ps);
        }
    }

    /** Notes that a record's result was sent, with its status (succeeded or failed). */
    public static void markSent(Connection c, String stream, String customId, String status, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE stream_record SET sent_at = ?, status = ? WHERE stream = ? AND custom_id = ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, status);
            ps.setString(3, stream);
            ps.setString(4, customId);
            ps.executeUpdate();
        }
    }

    /** The owner's segments with records in a processed batch whose results were not sent yet. */
    public static List<Long> segmentsWithResults(Connection c, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT bs.source_id FROM batch_source bs JOIN batch b ON b.id = bs.batch_id"
                + " JOIN source s ON s.id = bs.source_id WHERE s.kind = ? AND s.owner = ? AND b.status = ?"
                + " AND bs.sent_at IS NULL ORDER BY bs.source_id")) {
            ps.setString(1, Sources.STREAM);
            ps.setString(2, owner);
            ps.setString(3, BatchRecord.PROCESSED);
            return ids(ps);
        }
    }

    /** The processed batches holding records of the segment whose results were not sent yet. */
    public static List<Long> batchesWithResults(Connection c, long sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT bs.batch_id FROM batch_source bs JOIN batch b ON b.id = bs.batch_id WHERE bs.source_id = ?"
                + " AND b.status = ? AND bs.sent_at IS NULL ORDER BY bs.batch_id")) {
            ps.setLong(1, sourceId);
            ps.setString(2, BatchRecord.PROCESSED);
            return ids(ps);
        }
    }

    /** Notes that the results of the segment's records in these batches were sent. */
    public static void markBatchesSent(Connection c, long sourceId, Collection<Long> batchIds, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch_source SET sent_at = ? WHERE source_id = ? AND batch_id = ?")) {
            for (long batchId : batchIds) {
                ps.setLong(1, now.toEpochMilli());
                ps.setLong(2, sourceId);
                ps.setLong(3, batchId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** How many records of the segment wait for their result to be sent. */
    public static int unsentCount(Connection c, long sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM stream_record WHERE source_id = ? AND sent_at IS NULL")) {
            ps.setLong(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** A stream's counts: records taken, results sent, of those succeeded. */
    public static long[] counts(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*), COUNT(sent_at), COUNT(CASE WHEN status = 'succeeded' THEN 1 END)"
                + " FROM stream_record WHERE stream = ?")) {
            ps.setString(1, stream);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    /** The tokens a stream's records used with one model. */
    public record Usage(String model, long promptTokens, long completionTokens) {
    }

    /** A stream's tokens by model. */
    public static List<Usage> usage(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT b.model, SUM(bs.prompt_tokens), SUM(bs.completion_tokens) FROM batch_source bs"
                + " JOIN source s ON s.id = bs.source_id JOIN batch b ON b.id = bs.batch_id"
                + " WHERE s.kind = ? AND s.name = ? GROUP BY b.model")) {
            ps.setString(1, Sources.STREAM);
            ps.setString(2, stream);
            List<Usage> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Usage(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return rows;
        }
    }

    private static List<Long> ids(PreparedStatement ps) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static List<StreamRecord> all(PreparedStatement ps) throws SQLException {
        List<StreamRecord> records = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                records.add(new StreamRecord(rs.getString("stream"), rs.getString("custom_id"),
                        rs.getLong("source_id"), rs.getInt("ordinal"), rs.getString("reply_to"),
                        rs.getString("correlation_id")));
            }
        }
        return records;
    }
}
