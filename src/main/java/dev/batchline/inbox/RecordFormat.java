package dev.batchline.inbox;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.batchline.work.RequestId;

/**
 * Reads one inbox line as a request and writes its batch line, in one streaming pass and without building a tree.
 * Two shapes are accepted: a native batch line ({@code custom_id, method, url, body}), whose body is passed
 * through byte for byte after validation, and a simple record ({@code id} with {@code prompt} or {@code messages},
 * and optionally {@code model}, {@code max_tokens}, {@code temperature}, {@code system}), turned into a chat
 * completion from the configured defaults, its prompt copied as it was written. A line that is neither gives an
 * {@link Invalid} with a code and a message that names the field.
 */
public final class RecordFormat {

    /** The endpoints a native line may name. */
    public static final Set<String> ENDPOINTS =
            Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/responses", "/v1/completions", "/v1/moderations");
    static final String CHAT = "/v1/chat/completions";

    private static final JsonFactory JSON = new JsonFactory();

    /** What a line is. */
    public sealed interface Parsed permits Request, Invalid {
    }

    /** A request for the provider, with the user's {@code custom_id}; its batch line is in the buffer. */
    public record Request(String customId, String endpoint, String model) implements Parsed {
    }

    /** A line that cannot be sent, with the user's {@code custom_id} when it could be read. */
    public record Invalid(String customId, String code, String message) implements Parsed {
    }

    private final String defaultModel;
    private final String defaultSystem;

    public RecordFormat(String defaultModel, String defaultSystem) {
        this.defaultModel = defaultModel;
        this.defaultSystem = defaultSystem;
    }

    /** What one pass over a line found: values, token types, and byte ranges of what is copied as it is. */
    private static final class Fields {
        JsonToken customIdToken;
        String customId;
        JsonToken methodToken;
        String method;
        JsonToken urlToken;
        String url;
        JsonToken bodyToken;
        int bodyStart;
        int bodyEnd;
        JsonToken bodyModelToken;
        String bodyModel;
        JsonToken idToken;
        String id;
        JsonToken promptToken;
        int promptStart;
        int promptEnd;
        JsonToken messagesToken;
        int messagesStart;
        int messagesEnd;
        JsonToken modelToken;
        String model;
        JsonToken systemToken;
        String system;
        JsonToken maxTokensToken;
        String maxTokens;
        JsonToken temperatureToken;
        String temperature;

        boolean isNative() {
            return customIdToken != null || methodToken != null || urlToken != null || bodyToken != null;
        }

        /** Forgets the last line: one instance serves every line of a source. */
        void clear() {
            customIdToken = methodToken = urlToken = bodyToken = bodyModelToken = idToken = promptToken = null;
            messagesToken = modelToken = systemToken = maxTokensToken = temperatureToken = null;
            customId = method = url = bodyModel = id = model = system = maxTokens = temperature = null;
            promptEnd = 0;
        }
    }

    private final Fields fields = new Fields();

    /**
     * Reads the line. For a request, its batch line (with Batchline's {@code custom_id} for {@code requestId},
     * ending in a newline) is written into {@code line}. A simple record without {@code id} gets
     * {@code <fallbackPrefix><lineNumber>}, or, for line number 0 (a record that is not a line of a file),
     * {@code fallbackPrefix} itself. One instance reads one line at a time.
     */
    public Parsed parse(byte[] bytes, int length, String fallbackPrefix, int lineNumber, RequestId requestId,
                 LineBuffer line) {
        int badByte = Utf8.firstInvalid(bytes, length);
        if (badByte >= 0) {
            return new Invalid(null, "invalid_utf8", "The line is not valid UTF-8 (byte " + (badByte + 1) + ").");
        }
        fields.clear();
        try (JsonParser parser = JSON.createParser(bytes, 0, length)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                parser.nextToken();
                return new Invalid(null, "not_an_object", "The line is JSON but not an object: a record is {\"id\": …,"
                                                          + " \"prompt\": …} or a batch line {\"custom_id\": …, …}.");
            }
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                endPrompt(parser, bytes, fields);
                read(parser, parser.currentName(), parser.nextToken(), fields);
            }
            endPrompt(parser, bytes, fields);
            if (parser.nextToken() != null) {
                return new Invalid(null, "invalid_json", "The line is not valid JSON: more follows the object.");
            }
        } catch (JsonParseException e) {
            return new Invalid(null, "invalid_json", "The line is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Invalid(null, "invalid_json", "The line cannot be read as JSON: " + e.getMessage());
        }
        return fields.isNative() ? nativeLine(fields, bytes, requestId, line)
                : simpleRecord(fields, bytes, fallbackPrefix, lineNumber, requestId, line);
    }

    private static void read(JsonParser parser, String name, JsonToken token, Fields fields) throws IOException {
        switch (name) {
            case "custom_id" -> {
                fields.customIdToken = token;
                fields.customId = text(parser, token);
            }
            case "method" -> {
                fields.methodToken = token;
                fields.method = text(parser, token);
            }
            case "url" -> {
                fields.urlToken = token;
                fields.url = text(parser, token);
            }
            case "body" -> {
                fields.bodyToken = token;
                if (token == JsonToken.START_OBJECT) {
                    fields.bodyStart = start(parser);
                    JsonToken inner;
                    while ((inner = parser.nextToken()) == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if (field.equals("model")) {
                            fields.bodyModelToken = value;
                            fields.bodyModel = text(parser, value);
                        } else {
                            parser.skipChildren();
                        }
                    }
                    fields.bodyEnd = end(parser);
                } else {
                    parser.skipChildren();
                }
            }
            case "id" -> {
                fields.idToken = token;
                fields.id = token == JsonToken.VALUE_NUMBER_INT ? parser.getText() : text(parser, token);
            }
            case "prompt" -> {
                fields.promptToken = token;
                if (token == JsonToken.VALUE_STRING) {
                    fields.promptStart = start(parser);
                    fields.promptEnd = -1;
                } else {
                    parser.skipChildren();
                }
            }
            case "messages" -> {
                fields.messagesToken = token;
                if (token == JsonToken.START_ARRAY) {
                    fields.messagesStart = start(parser);
                    parser.skipChildren();
                    fields.messagesEnd = end(parser);
                } else {
                    parser.skipChildren();
                }
            }
            case "model" -> {
                fields.modelToken = token;
                fields.model = text(parser, token);
            }
            case "system" -> {
                fields.systemToken = token;
                fields.system = text(parser, token);
            }
            case "max_tokens" -> {
                fields.maxTokensToken = token;
                fields.maxTokens = token.isNumeric() ? parser.getText() : skip(parser);
            }
            case "temperature" -> {
                fields.temperatureToken = token;
                fields.temperature = token.isNumeric() ? parser.getText() : skip(parser);
            }
            default -> parser.skipChildren();
        }
    }

    private static String text(JsonParser parser, JsonToken token) throws IOException {
        return token == JsonToken.VALUE_STRING ? parser.getText() : skip(parser);
    }

    private static String skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    /** Byte offset where the current token starts. */
    private static int start(JsonParser parser) {
        return (int) parser.currentTokenLocation().getByteOffset();
    }

    /** Byte offset just after the current token (a string, or the end of an object or array). */
    private static int end(JsonParser parser) {
        return (int) parser.currentLocation().getByteOffset();
    }

    /**
     * The prompt's string is skipped by the parser, not decoded: once the next token is read, the string ends at
     * the last quote before it (only white space and a comma lie between).
     */
    private static void endPrompt(JsonParser parser, byte[] bytes, Fields fields) {
        if (fields.promptEnd != -1) {
            return;
        }
        int i = (int) parser.currentTokenLocation().getByteOffset() - 1;
        while (bytes[i] != '"') {
            i--;
        }
        fields.promptEnd = i + 1;
    }

    private static void customId(LineBuffer line, RequestId id) {
        line.ascii("{\"custom_id\":\"").number(id.source()).ascii("-").number(id.ordinal()).ascii("-")
                .number(id.attempt());
    }

    private Parsed nativeLine(Fields f, byte[] bytes, RequestId requestId, LineBuffer line) {
        if (f.customIdToken == null || f.customIdToken == JsonToken.VALUE_NULL) {
            return new Invalid(null, "missing_field", "The batch line has no custom_id.");
        }
        if (f.customId == null || f.customId.isEmpty()) {
            return new Invalid(null, "invalid_field", "The custom_id must be a non-empty string.");
        }
        String customId = f.customId;
        if (f.methodToken == null || f.methodToken == JsonToken.VALUE_NULL) {
            return new Invalid(customId, "missing_field", "The batch line has no method.");
        }
        if (!"POST".equals(f.method)) {
            return new Invalid(customId, "invalid_method", "The method is '" + (f.method == null ? "not a string"
                    : f.method) + "'; batch requests are POST.");
        }
        if (f.urlToken == null || f.urlToken == JsonToken.VALUE_NULL) {
            return new Invalid(customId, "missing_field", "The batch line has no url.");
        }
        if (f.url == null || !ENDPOINTS.contains(f.url)) {
            return new Invalid(customId, "unknown_endpoint", "The url '" + f.url + "' is not an endpoint a batch can"
                                                             + " use: " + String.join(", ",
                    ENDPOINTS.stream().sorted().toList()) + ".");
        }
        if (f.bodyToken == null || f.bodyToken == JsonToken.VALUE_NULL) {
            return new Invalid(customId, "missing_field", "The batch line has no body.");
        }
        if (f.bodyToken != JsonToken.START_OBJECT) {
            return new Invalid(customId, "invalid_field", "The body must be a JSON object.");
        }
        boolean noModel = f.bodyModelToken == null || f.bodyModelToken == JsonToken.VALUE_NULL;
        if (noModel && !f.url.equals("/v1/moderations")) {
            return new Invalid(customId, "missing_field", "The body has no model.");
        }
        if (!noModel && f.bodyModel == null) {
            return new Invalid(customId, "invalid_field", "The body's model must be a string.");
        }
        line.reset();
        customId(line, requestId);
        line.ascii("\",\"method\":\"POST\",\"url\":\"").ascii(f.url).ascii("\",\"body\":")
                .raw(bytes, f.bodyStart, f.bodyEnd).ascii("}").newline();
        return new Request(customId, f.url, noModel ? "" : f.bodyModel);
    }

    private Parsed simpleRecord(Fields f, byte[] bytes, String fallbackPrefix, int lineNumber,
                                RequestId requestId, LineBuffer line) {
        String customId;
        if (f.idToken == null || f.idToken == JsonToken.VALUE_NULL) {
            customId = lineNumber == 0 ? fallbackPrefix : fallbackPrefix + lineNumber;
        } else if (f.id != null && !f.id.isEmpty()) {
            customId = f.id;
        } else {
            return new Invalid(null, "invalid_field", "The id must be a non-empty string or a whole number.");
        }
        boolean hasPrompt = f.promptToken != null && f.promptToken != JsonToken.VALUE_NULL;
        boolean hasMessages = f.messagesToken != null && f.messagesToken != JsonToken.VALUE_NULL;
        if (!hasPrompt && !hasMessages) {
            return new Invalid(customId, "missing_field", "The record has neither prompt nor messages.");
        }
        if (hasPrompt && hasMessages) {
            return new Invalid(customId, "invalid_field", "The record has both prompt and messages; give one.");
        }
        if (hasPrompt && f.promptToken != JsonToken.VALUE_STRING) {
            return new Invalid(customId, "invalid_field", "The prompt must be a string.");
        }
        if (hasMessages && (f.messagesToken != JsonToken.START_ARRAY || blank(bytes, f.messagesStart + 1,
                f.messagesEnd - 1))) {
            return new Invalid(customId, "invalid_field", "The messages must be a non-empty array.");
        }
        if (f.modelToken != null && f.modelToken != JsonToken.VALUE_NULL && f.model == null) {
            return new Invalid(customId, "invalid_field", "The model must be a string.");
        }
        if (f.maxTokensToken != null && f.maxTokensToken != JsonToken.VALUE_NULL
            && f.maxTokensToken != JsonToken.VALUE_NUMBER_INT) {
            return new Invalid(customId, "invalid_field", "The max_tokens must be a whole number.");
        }
        if (f.temperatureToken != null && f.temperatureToken != JsonToken.VALUE_NULL && f.temperature == null) {
            return new Invalid(customId, "invalid_field", "The temperature must be a number.");
        }
        if (f.systemToken != null && f.systemToken != JsonToken.VALUE_NULL && f.system == null) {
            return new Invalid(customId, "invalid_field", "The system prompt must be a string.");
        }
        String model = f.model != null ? f.model : defaultModel;
        String system = f.system != null ? f.system : defaultSystem;
        line.reset();
        customId(line, requestId);
        line.ascii("\",\"method\":\"POST\",\"url\":\"").ascii(CHAT).ascii("\",\"body\":{\"model\":").quoted(model)
                .ascii(",\"messages\":[");
        if (system != null && !system.isEmpty()) {
            line.ascii("{\"role\":\"system\",\"content\":").quoted(system).ascii("},");
        }
        if (hasPrompt) {
            line.ascii("{\"role\":\"user\",\"content\":").raw(bytes, f.promptStart, f.promptEnd).ascii("}");
        } else {
            line.raw(bytes, f.messagesStart + 1, f.messagesEnd - 1);
        }
        line.ascii("]");
        if (f.maxTokens != null) {
            line.ascii(",\"max_tokens\":").ascii(f.maxTokens);
        }
        if (f.temperature != null) {
            line.ascii(",\"temperature\":").ascii(f.temperature);
        }
        line.ascii("}}").newline();
        return new Request(customId, CHAT, model);
    }

    private static boolean blank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r' && bytes[i] != '\n') {
                return false;
            }
        }
        return true;
    }
}
