package dev.batchline.work;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code custom_id} Batchline gives a request at the provider: the source, the record's place in it (its
 * ordinal, from 0) and the attempt, as {@code <source>-<ordinal>-<attempt>}. Unique in every batch whatever the
 * users' own ids are, and valid for every provider ({@code ^[a-zA-Z0-9_-]{1,64}$}). The user's {@code custom_id}
 * is restored in the outbox.
 */
public record RequestId(long source, int ordinal, int attempt) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SPOOL_PREFIX = "{\"custom_id\":\"".getBytes(StandardCharsets.US_ASCII);

    public String text() {
        return source + "-" + ordinal + "-" + attempt;
    }

    public RequestId nextAttempt() {
        return new RequestId(source, ordinal, attempt + 1);
    }

    /** The id in the text, or null when the text is not one of Batchline's ids. */
    public static RequestId parse(String text) {
        if (text == null) {
            return null;
        }
        int first = text.indexOf('-');
        int second = first < 0 ? -1 : text.indexOf('-', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            return new RequestId(Long.parseLong(text.substring(0, first)),
                    Integer.parseInt(text.substring(first + 1, second)), Integer.parseInt(text.substring(second + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The id of a line of a batch's input file, which Batchline wrote with the {@code custom_id} first
     * ({@code {"custom_id":"<id>",…}}), or null when the line carries none of Batchline's ids.
     */
    public static RequestId ofSpooledLine(byte[] bytes, int length) throws IOException {
        int start = SPOOL_PREFIX.length;
        if (length > start && Arrays.equals(bytes, 0, start, SPOOL_PREFIX, 0, start)) {
            for (int i = start; i < length; i++) {
                if (bytes[i] == '"') {
                    return parse(new String(bytes, start, i - start, StandardCharsets.US_ASCII));
                }
            }
        }
        return parse(JSON.readTree(bytes, 0, length).path("custom_id").asText(null));
    }
}
