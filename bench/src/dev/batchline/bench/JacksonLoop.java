package dev.batchline.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The ingest benchmark's hand-written baseline: one thread, Jackson's streaming parser and generator, simple
 * records turned into chat-completion batch lines, a new file every 50,000 lines. Nothing else: no validation, no
 * state, no index. {@code JacksonLoop <input.jsonl> <output folder>}.
 */
public final class JacksonLoop {

    private static final int LINES_PER_FILE = 50_000;

    private JacksonLoop() {
    }

    public static void main(String[] args) throws IOException {
        Path input = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        long started = System.nanoTime();
        JsonFactory json = new JsonFactory();
        int lines = 0;
        int file = 0;
        OutputStream output = null;
        JsonGenerator generator = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 16);
             JsonParser parser = json.createParser(in)) {
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String id = null;
                String prompt = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("id")) {
                        id = parser.getText();
                    } else if (field.equals("prompt")) {
                        prompt = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
                if (lines % LINES_PER_FILE == 0) {
                    if (generator != null) {
                        generator.close();
                    }
                    output = new BufferedOutputStream(Files.newOutputStream(out.resolve("batch-" + file++ + ".jsonl")),
                            1 << 16);
                    generator = json.createGenerator(output);
                    generator.setRootValueSeparator(null);
                }
                generator.writeStartObject();
                generator.writeStringField("custom_id", id);
                generator.writeStringField("method", "POST");
                generator.writeStringField("url", "/v1/chat/completions");
                generator.writeObjectFieldStart("body");
                generator.writeStringField("model", "gpt-4o-mini");
                generator.writeArrayFieldStart("messages");
                generator.writeStartObject();
                generator.writeStringField("role", "user");
                generator.writeStringField("content", prompt);
                generator.writeEndObject();
                generator.writeEndArray();
                generator.writeEndObject();
                generator.writeEndObject();
                generator.writeRaw('\n');
                lines++;
            }
        } finally {
            if (generator != null) {
                generator.close();
            }
        }
        System.out.println("records=" + lines + " files=" + file + " ms="
                           + (System.nanoTime() - started) / 1_000_000);
    }
}
