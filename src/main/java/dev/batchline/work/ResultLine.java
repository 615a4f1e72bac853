package dev.batchline.work;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * What Batchline needs from one line of a provider's output or error file, read in one streaming pass without
 * building a tree: the {@code custom_id} and where its value sits in the line (so it can be replaced by the user's
 * without parsing the line again), the HTTP status, the tokens used, and the error when there is one.
 */
public final class ResultLine {

    private static final JsonFactory JSON = new JsonFactory();

    private String customId;
    private int customIdStart;
    private int customIdEnd;
    private int status;
    private boolean hasError;
    private String errorCode;
    private String errorMessage;
    private long promptTokens;
    private long completionTokens;

    /** Reads the line of {@code length} bytes at {@code offset}; positions are relative to {@code offset}. */
    public static ResultLine scan(byte[] bytes, int offset, int length) throws IOException {
        ResultLine line = new ResultLine();
        try (JsonParser parser = JSON.createParser(bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("A result line is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "custom_id" -> {
                        line.customIdStart = (int) parser.currentTokenLocation().getByteOffset();
                        line.customId = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                        line.customIdEnd = (int) parser.currentLocation().getByteOffset();
                        if (value != JsonToken.VALUE_STRING) {
                            parser.skipChildren();
                        }
                    }
                    case "response" -> {
                        if (value == JsonToken.START_OBJECT) {
                            line.response(parser);
                        }
                    }
                    case "error" -> {
                        if (value == JsonToken.START_OBJECT) {
                            line.hasError = true;
                            line.error(parser);
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        }
        return line;
    }

    private void response(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("status_code") && value == JsonToken.VALUE_NUMBER_INT) {
                status = parser.getIntValue();
            } else if (field.equals("body") && value == JsonToken.START_OBJECT) {
                body(parser);
            } else {
                parser.skipChildren();
            }
        }
    }

    private void body(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("usage") && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken count = parser.nextToken();
                    if (count == JsonToken.VALUE_NUMBER_INT) {
                        switch (name) {
                            case "prompt_tokens", "input_tokens" -> promptTokens = parser.getLongValue();
                            case "completion_tokens", "output_tokens" -> completionTokens = parser.getLongValue();
                            default -> {
                            }
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            } else if (field.equals("error") && value == JsonToken.START_OBJECT) {
                error(parser);
            } else {
                parser.skipChildren();
            }
        }
    }

    private void error(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("code") && value == JsonToken.VALUE_STRING) {
                errorCode = parser.getText();
            } else if (field.equals("message") && value == JsonToken.VALUE_STRING) {
                errorMessage = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
    }

    public String customId() {
        return customId;
    }

    /** Where the {@code custom_id} value (quotes included) starts in the line. */
    public int customIdStart() {
        return customIdStart;
    }

    /** Where it ends (just after its closing quote). */
    public int customIdEnd() {
        return customIdEnd;
    }

    /** The HTTP status of the response, or 0 when there was none (the request never ran). */
    public int status() {
        return status;
    }

    /** A response with a 2xx status and no error: the request's answer. */
    public boolean success() {
        return status >= 200 && status < 300 && !hasError;
    }

    /** The error code: of the line's error, or of the error in the response body. */
    public String errorCode() {
        return errorCode;
    }

    public String errorMessage() {
        return errorMessage;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }
}
