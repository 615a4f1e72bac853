package dev.batchline.work;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.batchline.jsonl.JsonlReader;

/**
 * A source's records in input order, one line per record ordinal: the input line number and the user's
 * {@code custom_id}, and for a record that could not be used, the error code and message. Delivery walks it to
 * write the outbox in input order.
 */
public final class RecordIndex {

    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();
    private static final byte[] LINE = ascii("{\"line\":");
    private static final byte[] CUSTOM_ID = ascii(",\"custom_id\":\"");
    private static final byte[] NO_CUSTOM_ID = ascii(",\"custom_id\":null");
    private static final byte[] QUOTE = ascii("\"");
    private static final byte[] CODE = ascii(",\"code\":\"");
    private static final byte[] MESSAGE = ascii("\",\"message\":\"");
    private static final byte[] END = ascii("\"}\n");

    /**
     * One record: {@code code} is null for a valid record. An entry with line 0 is about the whole file (refused,
     * or unreadable from some point on) and is not a record.
     */
    public record Entry(int line, String customId, String code, String message, byte[] escapedCustomId) {

        public Entry(int line, String customId, String code, String message) {
            this(line, customId, code, message, null);
        }

        public boolean valid() {
            return code == null;
        }

        public boolean wholeFile() {
            return line == 0;
        }
    }

    private RecordIndex() {
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends to the index, first cutting it back to {@code committedBytes} (what the last checkpoint saw). */
    public static final class Writer implements Closeable {

        private final FileSink out;
        private final byte[] digits = new byte[10];

        public Writer(Path file, long committedBytes) throws IOException {
            out = new FileSink(file, committedBytes);
        }

        public void valid(int line, String customId) throws IOException {
            write(LINE);
            number(line);
            write(CUSTOM_ID);
            write(ENCODER.quoteAsUTF8(customId));
            write(END);
        }

        public void invalid(int line, String customId, String code, String message) throws IOException {
            write(LINE);
            number(line);
            if (customId == null) {
                write(NO_CUSTOM_ID);
            } else {
                write(CUSTOM_ID);
                write(ENCODER.quoteAsUTF8(customId));
                write(QUOTE);
            }
            write(CODE);
            write(ENCODER.quoteAsUTF8(code));
            write(MESSAGE);
            write(ENCODER.quoteAsUTF8(message));
            write(END);
        }

        private void write(byte[] part) throws IOException {
            out.write(part);
        }

        private void number(int value) throws IOException {
            int at = digits.length;
            do {
                digits[--at] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value > 0);
            out.write(digits, at, digits.length - at);
        }

        /** Flushes to the file and returns its length. */
        public long flush() throws IOException {
            return out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Reads the entries in order. */
    public static final class Reader implements Closeable {

        private final JsonlReader lines;
        private final long limit;

        public Reader(Path file) throws IOException {
            this(file, Long.MAX_VALUE);
        }

        /** Reads only the first {@code limit} bytes: what a checkpoint committed. */
        public Reader(Path file, long limit) throws IOException {
            this.lines = new JsonlReader(file, 0, 1);
            this.limit = limit;
        }

        /** The next entry, or null at the end. */
        public Entry next() throws IOException {
            if (!lines.next() || lines.offset() >= limit) {
                return null;
            }
            Entry valid = validEntry(lines.bytes(), lines.length());
            if (valid != null) {
                return valid;
            }
            int line = 0;
            String customId = null;
            String code = null;
            String message = null;
            try (JsonParser parser = JSON.createParser(lines.bytes(), 0, lines.length())) {
                parser.nextToken();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    switch (field) {
                        case "line" -> line = parser.getIntValue();
                        case "custom_id" -> customId = parser.getValueAsString();
                        case "code" -> code = parser.getValueAsString();
                        case "message" -> message = parser.getValueAsString();
                        default -> parser.skipChildren();
                    }
                }
            }
            return new Entry(line, customId, code, message);
        }

        /**
         * A valid record's entry as {@link Writer#valid} writes it, read without a parser; the id is kept as
         * written (JSON-escaped) too, so delivery can copy it. Null for any other entry.
         */
        private static Entry validEntry(byte[] bytes, int length) throws IOException {
            if (!startsWith(bytes, 0, LINE)) {
                return null;
            }
            int at = LINE.length;
            int line = 0;
            while (at < length && bytes[at] >= '0' && bytes[at] <= '9') {
                line = line * 10 + bytes[at++] - '0';
            }
            if (!startsWith(bytes, at, CUSTOM_ID) || length < 2 || bytes[length - 1] != '}'
                || bytes[length - 2] != '"') {
                return null;
            }
            int start = at + CUSTOM_ID.length;
            int end = length - 2;
            boolean escaped = false;
            for (int i = start; i < end; i++) {
                if (bytes[i] == '\\') {
                    escaped = true;
                    i++;
                } else if (bytes[i] == '"') {
                    return null;
                }
            }
            byte[] raw = Arrays.copyOfRange(bytes, start, end);
            String customId = escaped ? unescape(bytes, start - 1, end + 1)
                    : new String(raw, StandardCharsets.UTF_8);
            return new Entry(line, customId, null, null, raw);
        }

        private static String unescape(byte[] bytes, int from, int to) throws IOException {
            try (JsonParser parser = JSON.createParser(bytes, from, to - from)) {
                parser.nextToken();
                return parser.getText();
            }
        }

        private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
            if (at + prefix.length > bytes.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (bytes[at + i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
