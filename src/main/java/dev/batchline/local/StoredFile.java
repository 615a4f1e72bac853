package dev.batchline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A file held by the local provider: an upload or a batch's output or error file.
 *
 * @param seq       order of creation, for listing
 * @param createdAt unix seconds
 * @param expiresAt unix seconds, or null when the file does not expire
 */
record StoredFile(String id, long seq, long bytes, long createdAt, Long expiresAt, String filename, String purpose) {

    /** The File object of OpenAI's API. */
    ObjectNode toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("id", id);
        json.put("object", "file");
        json.put("bytes", bytes);
        json.put("created_at", createdAt);
        json.put("expires_at", expiresAt);
        json.put("filename", filename);
        json.put("purpose", purpose);
        json.put("status", "processed");
        json.putNull("status_details");
        return json;
    }

    ObjectNode toRecord() {
        return toJson().put("seq", seq);
    }

    static StoredFile fromRecord(JsonNode json) {
        JsonNode expires = json.get("expires_at");
        return new StoredFile(json.get("id").asText(), json.get("seq").asLong(), json.get("bytes").asLong(),
                json.get("created_at").asLong(), expires == null || expires.isNull() ? null : expires.asLong(),
                json.get("filename").asText(), json.get("purpose").asText());
    }

    boolean expired(long nowSeconds) {
        return expiresAt != null && nowSeconds >= expiresAt;
    }
}
