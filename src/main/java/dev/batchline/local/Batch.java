package dev.batchline.local;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One batch of the local provider: what was asked for, where it stands, and how far its run has come. Status
 * changes go through the methods here, under the batch's lock; {@link #toJson()} gives OpenAI's Batch object.
 */
final class Batch {

    static final Set<String> ACTIVE = Set.of("validating", "in_progress", "finalizing", "cancelling");

    final String id;
    final long seq;
    final String endpoint;
    final String inputFileId;
    final String completionWindow;
    final long createdAt;
    final long expiresAt;
    final Map<String, String> metadata;
    final Long outputExpiresAfterSeconds;

    private String status = "validating";
    private String model;
    private String outputFileId;
    private String errorFileId;
    private ArrayNode errors;
    private long inProgressAt;
    private long finalizingAt;
    private long completedAt;
    private long failedAt;
    private long expiredAt;
    private long cancellingAt;
    private long cancelledAt;
    private final Progress progress = new Progress();

    /** How far the run has come; written by the run only, persisted with the batch. Times are epoch millis. */
    static final class Progress {
        int total;
        int completed;
        int failed;
        long inputTokens;
        long outputTokens;
        /** Byte offset in the input file of the first line of the current window. */
        long windowStart;
        /** Number of the current window, which seeds its order. */
        int windowIndex;
        /** Requests of the current window already run. */
        int windowDone;
        /** Line number (1-based) of the first line of the current window. */
        int windowLine = 1;
        /** Bytes of output and error lines written so far; more on disk is from a run cut short. */
        long outputBytes;
        long errorBytes;

        int executed() {
            return completed + failed;
        }
    }

    Batch(String id, long seq, String endpoint, String inputFileId, String completionWindow, long createdAt,
          long expiresAt, Map<String, String> metadata, Long outputExpiresAfterSeconds) {
        this.id = id;
        this.seq = seq;
        this.endpoint = endpoint;
        this.inputFileId = inputFileId;
        this.completionWindow = completionWindow;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
        this.metadata = metadata;
        this.outputExpiresAfterSeconds = outputExpiresAfterSeconds;
    }

    synchronized String status() {
        return status;
    }

    synchronized boolean active() {
        return ACTIVE.contains(status);
    }

    /** The run's progress; only the run changes it. */
    Progress progress() {
        return progress;
    }

    synchronized void startRunning(long now, String model, int total) {
        this.status = "in_progress";
        this.inProgressAt = now;
        this.model = model;
        this.progress.total = total;
    }

    synchronized void fail(long now, ArrayNode errors) {
        this.status = "failed";
        this.failedAt = now;
        this.errors = errors;
    }

    /** Moves to finalizing unless a cancel came first. */
    synchronized boolean startFinalizing(long now) {
        if (!status.equals("in_progress")) {
            return false;
        }
        this.status = "finalizing";
        this.finalizingAt = now;
        return true;
    }

    /** Asks to cancel; false when the batch has already ended. */
    synchronized boolean requestCancel(long now) {
        if (status.equals("cancelling")) {
            return true;
        }
        if (!ACTIVE.contains(status)) {
            return false;
        }
        this.status = "cancelling";
        this.cancellingAt = now;
        return true;
    }

    /** Ends the batch in {@code completed}, {@code expired} or {@code cancelled} with its files. */
    synchronized void end(String finalStatus, long now, String outputFileId, String errorFileId) {
        this.status = finalStatus;
        this.outputFileId = outputFileId;
        this.errorFileId = errorFileId;
        switch (finalStatus) {
            case "completed" -> this.completedAt = now;
            case "expired" -> this.expiredAt = now;
            case "cancelled" -> this.cancelledAt = now;
            default -> throw new IllegalArgumentException("Not a final status: " + finalStatus);
        }
    }

    synchronized long cancellingAt() {
        return cancellingAt;
    }

    synchronized long finalizingAt() {
        return finalizingAt;
    }

    synchronized String model() {
        return model;
    }

    /** OpenAI's Batch object. */
    synchronized ObjectNode toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", id);
        json.put("object", "batch");
        json.put("endpoint", endpoint);
        json.put("model", model);
        if (errors == null) {
            json.putNull("errors");
        } else {
            ObjectNode list = json.putObject("errors");
            list.put("object", "list");
            list.set("data", errors.deepCopy());
        }
        json.put("input_file_id", inputFileId);
        json.put("completion_window", completionWindow);
        json.put("status", status);
        json.put("output_file_id", outputFileId);
        json.put("error_file_id", errorFileId);
        json.put("created_at", createdAt / 1000);
        seconds(json, "in_progress_at", inProgressAt);
        json.put("expires_at", expiresAt / 1000);
        seconds(json, "finalizing_at", finalizingAt);
        seconds(json, "completed_at", completedAt);
        seconds(json, "failed_at", failedAt);
        seconds(json, "expired_at", expiredAt);
        seconds(json, "cancelling_at", cancellingAt);
        seconds(json, "cancelled_at", cancelledAt);
        ObjectNode counts = json.putObject("request_counts");
        counts.put("total", progress.total);
        counts.put("completed", progress.completed);
        counts.put("failed", progress.failed);
        ObjectNode usage = json.putObject("usage");
        usage.put("input_tokens", progress.inputTokens);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", progress.outputTokens);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", progress.inputTokens + progress.outputTokens);
        if (metadata == null) {
            json.putNull("metadata");
        } else {
            ObjectNode meta = json.putObject("metadata");
            metadata.forEach(meta::put);
        }
        return json;
    }

    private static void seconds(ObjectNode json, String field, long millis) {
        if (millis == 0) {
            json.putNull(field);
        } else {
            json.put(field, millis / 1000);
        }
    }

    /** Everything needed to resume after a restart: the Batch object plus the run's place, in millis. */
    synchronized ObjectNode toRecord() {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("id", id);
        record.put("seq", seq);
        record.put("endpoint", endpoint);
        record.put("input_file_id", inputFileId);
        record.put("completion_window", completionWindow);
        record.put("created_at", createdAt);
        record.put("expires_at", expiresAt);
        if (metadata != null) {
            ObjectNode meta = record.putObject("metadata");
            metadata.forEach(meta::put);
        }
        if (outputExpiresAfterSeconds != null) {
            record.put("output_expires_after", outputExpiresAfterSeconds);
        }
        record.put("status", status);
        record.put("model", model);
        record.put("output_file_id", outputFileId);
        record.put("error_file_id", errorFileId);
        if (errors != null) {
            record.set("errors", errors);
        }
        record.put("in_progress_at", inProgressAt);
        record.put("finalizing_at", finalizingAt);
        record.put("completed_at", completedAt);
        record.put("failed_at", failedAt);
        record.put("expired_at", expiredAt);
        record.put("cancelling_at", cancellingAt);
        record.put("cancelled_at", cancelledAt);
        ObjectNode run = record.putObject("progress");
        run.put("total", progress.total);
        run.put("completed", progress.completed);
        run.put("failed", progress.failed);
        run.put("input_tokens", progress.inputTokens);
        run.put("output_tokens", progress.outputTokens);
        run.put("window_start", progress.windowStart);
        run.put("window_index", progress.windowIndex);
        run.put("window_done", progress.windowDone);
        run.put("window_line", progress.windowLine);
        run.put("output_bytes", progress.outputBytes);
        run.put("error_bytes", progress.errorBytes);
        return record;
    }

    static Batch fromRecord(JsonNode record) {
        Map<String, String> metadata = null;
        if (record.hasNonNull("metadata")) {
            metadata = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = record.get("metadata").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                metadata.put(entry.getKey(), entry.getValue().asText());
            }
        }
        Batch batch = new Batch(record.get("id").asText(), record.get("seq").asLong(),
                record.get("endpoint").asText(), record.get("input_file_id").asText(),
                record.get("completion_window").asText(), record.get("created_at").asLong(),
                record.get("expires_at").asLong(), metadata,
                record.hasNonNull("output_expires_after") ? record.get("output_expires_after").asLong() : null);
        batch.status = record.get("status").asText();
        batch.model = text(record, "model");
        batch.outputFileId = text(record, "output_file_id");
        batch.errorFileId = text(record, "error_file_id");
        batch.errors = record.hasNonNull("errors") ? (ArrayNode) record.get("errors") : null;
        batch.inProgressAt = record.get("in_progress_at").asLong();
        batch.finalizingAt = record.get("finalizing_at").asLong();
        batch.completedAt = record.get("completed_at").asLong();
        batch.failedAt = record.get("failed_at").asLong();
        batch.expiredAt = record.get("expired_at").asLong();
        batch.cancellingAt = record.get("cancelling_at").asLong();
        batch.cancelledAt = record.get("cancelled_at").asLong();
        JsonNode run = record.get("progress");
        Progress progress = batch.progress;
        progress.total = run.get("total").asInt();
        progress.completed = run.get("completed").asInt();
        progress.failed = run.get("failed").asInt();
        progress.inputTokens = run.get("input_tokens").asLong();
        progress.outputTokens = run.get("output_tokens").asLong();
        progress.windowStart = run.get("window_start").asLong();
        progress.windowIndex = run.get("window_index").asInt();
        progress.windowDone = run.get("window_done").asInt();
        progress.windowLine = run.get("window_line").asInt();
        progress.outputBytes = run.get("output_bytes").asLong();
        progress.errorBytes = run.get("error_bytes").asLong();
        return batch;
    }

    private static String text(JsonNode record, String field) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
