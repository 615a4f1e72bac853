package dev.batchline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes batches, and which sources they carry, in the state store. */
public final class Batches {

    private Batches() {
    }

    /** A new open batch whose spool is {@code batches/<id>/input.jsonl}, owned by the instance that fills it. */
    public static BatchRecord open(Connection c, String owner, String provider, String endpoint, String model,
                                   Instant now) throws SQLException {
        long id = insert(c, provider, endpoint, model, BatchRecord.OPEN, "", 0, 0, null, now);
        try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET spool = ?, owner = ? WHERE id = ?")) {
            ps.setString(1, "batches/" + id + "/input.jsonl");
            ps.setString(2, owner);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
        return find(c, id).orElseThrow();
    }

    /** A sealed batch that resubmits records of {@code retryOf}, from a spool written already; same owner. */
    public static BatchRecord sealedRetry(Connection c, BatchRecord retryOf, String spool, int requests, long bytes,
                                          Instant now) throws SQLException {
        return sealedPart(c, retryOf, "retry_of", spool, requests, bytes, now);
    }

    /** A sealed batch that holds one half of the records of {@code splitOf}, from a spool written already. */
    public static BatchRecord sealedHalf(Connection c, BatchRecord splitOf, String spool, int requests, long bytes,
                                         Instant now) throws SQLException {
        return sealedPart(c, splitOf, "split_of", spool, requests, bytes, now);
    }

    /** A batch made from another (a retry, a half) is owned by the instance that made it: the other's owner. */
    private static BatchRecord sealedPart(Connection c, BatchRecord parent, String link, String spool, int requests,
                                          long bytes, Instant now) throws SQLException {
        long id = insert(c, parent.provider(), parent.endpoint(), parent.model(), BatchRecord.SEALED, spool,
                requests, bytes, null, now);
        try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET sealed_at = ?, " + link + " = ?, owner ="
                                                       + " (SELECT owner FROM batch WHERE id = ?) WHERE id = ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, parent.id());
            ps.setLong(3, parent.id());
            ps.setLong(4, id);
            ps.executeUpdate();
        }
        return find(c, id).orElseThrow();
    }

    private static long insert(Connection c, String provider, String endpoint, String model, String status,
                               String spool, int requests, long bytes, Long retryOf, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO batch (idempotency_key, provider, endpoint, model, status, spool, requests, bytes,"
                + " retry_of, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, provider);
            ps.setString(3, endpoint);
            ps.setString(4, model);
            ps.setString(5, status);
            ps.setString(6, spool);
            ps.setInt(7, requests);
            ps.setLong(8, bytes);
            if (retryOf == null) {
                ps.setNull(9, java.sql.Types.BIGINT);
            } else {
                ps.setLong(9, retryOf);
            }
            ps.setLong(10, now.toEpochMilli());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    public static Optional<BatchRecord> find(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch WHERE id = ?")) {
            ps.setLong(1, id);
            List<BatchRecord> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    /** Every instance's batches in one of the statuses, oldest first. */
    public static List<BatchRecord> withStatus(Connection c, String... statuses) throws SQLException {
        return withStatusOf(c, null, statuses);
    }

    /** The owner's batches in one of the statuses, oldest first. */
    public static List<BatchRecord> ownedWithStatus(Connection c, String owner, String... statuses)
            throws SQLException {
        return withStatusOf(c, owner, statuses);
    }

    /** The batches in one of the statuses, of one owner or (null) of all, oldest first. */
    private static List<BatchRecord> withStatusOf(Connection c, String owner, String... statuses)
            throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM batch WHERE ")
                .append(owner == null ? "" : "owner = ? AND ").append("status IN (");
        for (int i = 0; i < statuses.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.append(") ORDER BY id").toString())) {
            int index = 1;
            if (owner != null) {
                ps.setString(index++, owner);
            }
            for (String status : statuses) {
                ps.setString(index++, status);
            }
            return all(ps);
        }
    }

    /** Locks the batch for the transaction; fails when {@code owner} no longer owns it. */
    public static void requireOwner(Connection c, long id, String owner) throws SQLException {
        Instances.requireOwner(c, "batch", id, owner);
    }

    /** Forgets an open batch that holds no request (one a stopped instance had just opened). */
    public static boolean discardEmpty(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM batch WHERE id = ? AND status = ? AND requests = 0")) {
            ps.setLong(1, id);
            ps.setString(2, BatchRecord.OPEN);
            return ps.executeUpdate() == 1;
        }
    }

    /** Records what an open spool holds now: its committed length, request count and model. */
    public static void saveSpool(Connection c, long id, int requests, long bytes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET requests = ?, bytes = ? WHERE id = ?")) {
            ps.setInt(1, requests);
            ps.setLong(2, bytes);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    public static void seal(Connection c, long id, Instant now) throws SQLException {
        update(c, id, "UPDATE batch SET status = ?, sealed_at = ? WHERE id = ?", BatchRecord.SEALED, now);
    }

    /**
     * Records the upload of the batch's input file, which fixes the provider that holds the batch from now on, and
     * the digest of the key it was uploaded with.
     */
    public static void recordUpload(Connection c, long id, String provider, String keyFingerprint, String inputFileId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, provider = ?, key_fingerprint = ?, input_file_id = ? WHERE id = ?")) {
            ps.setString(1, BatchRecord.UPLOADED);
            ps.setString(2, provider);
            ps.setString(3, keyFingerprint);
            ps.setString(4, inputFileId);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /**
     * Takes an uploaded batch back to sealed, when the provider no longer has its input file. The time of a creation
     * attempt stays, so the batch is still looked up before it is created.
     */
    public static void forgetUpload(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, input_file_id = NULL WHERE id = ? AND status = ?")) {
            ps.setString(1, BatchRecord.SEALED);
            ps.setLong(2, id);
            ps.setString(3, BatchRecord.UPLOADED);
            ps.executeUpdate();
        }
    }

    /** Notes that the provider batch is about to be created, before the call. */
    public static void recordCreateAttempt(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE batch SET create_attempted_at = ? WHERE id = ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    public static Optional<BatchRecord> findByKey(Connection c, String idempotencyKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM batch WHERE idempotency_key = ?")) {
            ps.setString(1, idempotencyKey);
            List<BatchRecord> found = all(ps);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    public static void recordSubmission(Connection c, long id, String providerBatchId, String providerStatus,
                                        Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, provider_batch_id = ?, provider_status = ?, submitted_at = ?"
                + " WHERE id = ?")) {
            ps.setString(1, BatchRecord.SUBMITTED);
            ps.setString(2, providerBatchId);
            ps.setString(3, providerStatus);
            ps.setLong(4, now.toEpochMilli());
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** Records the provider's view of a running batch, which the provider therefore knows. */
    public static void recordProgress(Connection c, long id, String providerStatus, Integer total, Integer completed,
                                      Integer failed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET provider_status = ?, total = ?, completed = ?, failed = ?, lost_since = NULL"
                + " WHERE id = ?")) {
            ps.setString(1, providerStatus);
            Sql.setInteger(ps, 2, total);
            Sql.setInteger(ps, 3, completed);
            Sql.setInteger(ps, 4, failed);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    /** Records that the provider ended the batch, with the files to fetch and its errors. */
    public static void recordEnd(Connection c, long id, String outputFileId, String errorFileId, String errors,
                                 Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, output_file_id = ?, error_file_id = ?, errors = ?, ended_at = ?"
                + " WHERE id = ?")) {
            ps.setString(1, BatchRecord.ENDED);
            ps.setString(2, outputFileId);
            ps.setString(3, errorFileId);
            ps.setString(4, errors);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /**
     * Records that a provider refused the batch at upload or creation: it ends here, with the provider's error as
     * its errors, and filing reports its records (or splits it, when it was too large).
     */
    public static void recordRefusal(Connection c, long id, String provider, String errors, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, provider = ?, provider_status = ?, errors = ?, ended_at = ?"
                + " WHERE id = ?")) {
            ps.setString(1, BatchRecord.ENDED);
            ps.setString(2, provider);
            ps.setString(3, BatchRecord.REFUSED);
            ps.setString(4, errors);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /** Notes when the provider first answered that it does not know the batch. */
    public static void markUnknown(Connection c, long id, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET lost_since = ? WHERE id = ? AND lost_since IS NULL")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Records that the provider lost the batch: it ends here, keeping only the result files downloaded already, so
     * that filing resubmits every record without a result.
     */
    public static void recordLost(Connection c, long id, String outputFileId, String errorFileId, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch SET status = ?, provider_status = ?, output_file_id = ?, error_file_id = ?,"
                + " errors = NULL, ended_at = ? WHERE id = ?")) {
            ps.setString(1, BatchRecord.ENDED);
            ps.setString(2, BatchRecord.LOST);
            ps.setString(3, outputFileId);
            ps.setString(4, errorFileId);
            ps.setLong(5, now.toEpochMilli());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    public static void markProcessed(Connection c, long id, Instant now) throws SQLException {
        update(c, id, "UPDATE batch SET status = ?, processed_at = ? WHERE id = ?", BatchRecord.PROCESSED, now);
    }

    private static void update(Connection c, long id, String sql, String status, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setLong(2, now.toEpochMilli());
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /** Sets how many requests of each source the batch carries. */
    public static void saveSourceRequests(Connection c, long batchId, Map<Long, Integer> requestsBySource)
            throws SQLException {
        // an update, or an insert where there was nothing to update: the same on H2 and PostgreSQL
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE batch_source SET requests = ? WHERE batch_id = ? AND source_id = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO batch_source (batch_id, source_id, requests) VALUES (?, ?, ?)")) {
            for (Map.Entry<Long, Integer> entry : requestsBySource.entrySet()) {
                update.setInt(1, entry.getValue());
                update.setLong(2, batchId);
                update.setLong(3, entry.getKey());
                if (update.executeUpdate() == 0) {
                    insert.setLong(1, batchId);
                    insert.setLong(2, entry.getKey());
                    insert.setInt(3, entry.getValue());
                    insert.executeUpdate();
                }
            }
        }
    }

    /** Records what became of one source's requests in a batch. */
    public static void saveOutcome(Connection c, BatchSource outcome) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE batch_source SET succeeded = ?, failed = ?, retried = ?, lost = ?, prompt_tokens = ?,"
                + " completion_tokens = ? WHERE batch_id = ? AND source_id = ?")) {
            ps.setInt(1, outcome.succeeded());
            ps.setInt(2, outcome.failed());
            ps.setInt(3, outcome.retried());
            ps.setInt(4, outcome.lost());
            ps.setLong(5, outcome.promptTokens());
            ps.setLong(6, outcome.completionTokens());
            ps.setLong(7, outcome.batchId());
            ps.setLong(8, outcome.sourceId());
            ps.executeUpdate();
        }
    }

    public static List<BatchSource> sourcesOf(Connection c, long batchId) throws SQLException {
        return batchSources(c, "SELECT * FROM batch_source WHERE batch_id = ? ORDER BY source_id", batchId);
    }

    public static List<BatchSource> batchesOf(Connection c, long sourceId) throws SQLException {
        return batchSources(c, "SELECT * FROM batch_source WHERE source_id = ? ORDER BY batch_id", sourceId);
    }

    /** Whether every source with records in the batch has been delivered. */
    public static boolean allSourcesDelivered(Connection c, long batchId) throws SQLException {
        // from the sources not delivered yet (the few in flight, by the status index) to the batch, not from the
        // batch's sources (thousands of small ones, most delivered) to their status
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT s.id FROM source s WHERE s.status IN (?, ?) AND EXISTS (SELECT 1 FROM batch_source bs"
                + " WHERE bs.batch_id = ? AND bs.source_id = s.id) LIMIT 1")) {
            ps.setString(1, Source.INGESTING);
            ps.setString(2, Source.INGESTED);
            ps.setLong(3, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }

    private static List<BatchSource> batchSources(Connection c, String sql, long id) throws SQLException {
        List<BatchSource> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new BatchSource(rs.getLong("batch_id"), rs.getLong("source_id"), rs.getInt("requests"),
                            rs.getInt("succeeded"), rs.getInt("failed"), rs.getInt("retried"), rs.getInt("lost"),
                            rs.getLong("prompt_tokens"), rs.getLong("completion_tokens")));
                }
            }
        }
        return rows;
    }

    private static List<BatchRecord> all(PreparedStatement ps) throws SQLException {
        List<BatchRecord> batches = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                batches.add(new BatchRecord(rs.getLong("id"), rs.getString("idempotency_key"),
                        rs.getString("provider"), rs.getString("endpoint"), rs.getString("model"),
                        rs.getString("status"), rs.getString("spool"), rs.getInt("requests"), rs.getLong("bytes"),
                        Sql.number(rs, "retry_of"), rs.getString("input_file_id"),
                        rs.getString("provider_batch_id"), rs.getString("provider_status"),
                        Sql.integer(rs, "total"), Sql.integer(rs, "completed"), Sql.integer(rs, "failed"),
                        rs.getString("output_file_id"), rs.getString("error_file_id"), rs.getString("errors"),
                        Sql.instant(rs, "opened_at"), Sql.instant(rs, "sealed_at"), Sql.instant(rs, "submitted_at"),
                        Sql.instant(rs, "ended_at"), Sql.instant(rs, "processed_at"),
                        Sql.instant(rs, "create_attempted_at"), Sql.instant(rs, "lost_since"),
                        Sql.number(rs, "split_of"), rs.getString("key_fingerprint")));
            }
        }
        return batches;
    }
}
