package dev.batchline.work;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.batchline.jsonl.JsonlReader;

/**
 * A source's records in input order, one line per record ordinal: the input line number and the user's
 * {@code custom_id}, and for a record that could not be used, the error code and message. Delivery walks it to
 * write the outbox in input order.
 */
public final class RecordIndex {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * One record: {@code code} is null for a valid record. An entry with line 0 is about the whole file (refused,
     * or unreadable from some point on) and is not a record.
     */
    public record Entry(int line, String customId, String code, String message) {
        public boolean valid() {
            return code == null;
        }

        public boolean wholeFile() {
            return line == 0;
        }
    }

    private RecordIndex() {
    }

    /** Appends to the index, first cutting it back to {@code committedBytes} (what the last checkpoint saw). */
    public static final class Writer implements Closeable {

        private final FileChannel channel;
        private final JsonGenerator json;

        public Writer(Path file, long committedBytes) throws IOException {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(committedBytes);
            channel.position(committedBytes);
            json = JSON.createGenerator(new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
            json.setRootValueSeparator(null);
        }

        public void valid(int line, String customId) throws IOException {
            json.writeStartObject();
            json.writeNumberField("line", line);
            json.writeStringField("custom_id", customId);
            json.writeEndObject();
            json.writeRaw('\n');
        }

        public void invalid(int line, String customId, String code, String message) throws IOException {
            json.writeStartObject();
            json.writeNumberField("line", line);
            json.writeStringField("custom_id", customId);
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeRaw('\n');
        }

        /** Flushes to the file and returns its length. */
        public long flush() throws IOException {
            json.flush();
            return channel.position();
        }

        @Override
        public void close() throws IOException {
            json.close();
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

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
