package dev.batchline.inbox;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads one inbox line as a request. Two shapes are accepted: a native batch line
 * ({@code custom_id, method, url, body}, passed through after validation) and a simple record ({@code id} with
 * {@code prompt} or {@code messages}, and optionally {@code model}, {@code max_tokens}, {@code temperature},
 * {@code system}), turned into a chat completion from the configured defaults. A line that is neither gives an
 * {@link Invalid} with a code and a message that names the field.
 */
public final class RecordFormat {

    /** The endpoints a native line may name. */
    public static final Set<String> ENDPOINTS =
            Set.of("/v1/chat/completions", "/v1/embeddings", "/v1/responses", "/v1/completions", "/v1/moderations");
    static final String CHAT = "/v1/chat/completions";

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** What a line is. */
    public sealed interface Parsed permits Request, Invalid {
    }

    /** A request for the provider, with the user's {@code custom_id}. */
    public record Request(String customId, String endpoint, String model, JsonNode body) implements Parsed {
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

    /**
     * Reads the line's bytes. {@code fallbackId} is the id a simple record without {@code id} gets: stable for the
     * source and line.
     */
    public Parsed parse(byte[] bytes, int length, String fallbackId) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes, 0, length);
        } catch (JsonParseException e) {
            String reason = e.getOriginalMessage();
            if (reason != null && reason.contains("Invalid UTF-8")) {
                return new Invalid(null, "invalid_utf8", "The line is not valid UTF-8: " + reason);
            }
            return new Invalid(null, "invalid_json", "The line is not valid JSON: " + reason);
        } catch (JsonProcessingException e) {
            return new Invalid(null, "invalid_json", "The line is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return new Invalid(null, "invalid_json", "The line cannot be read as JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            return new Invalid(null, "not_an_object", "The line is JSON but not an object: a record is {\"id\": …,"
                                                      + " \"prompt\": …} or a batch line {\"custom_id\": …, …}.");
        }
        if (node.has("body") || node.has("url") || node.has("method") || node.has("custom_id")) {
            return nativeLine((ObjectNode) node);
        }
        return simpleRecord((ObjectNode) node, fallbackId);
    }

    private Parsed nativeLine(ObjectNode line) {
        JsonNode idNode = line.get("custom_id");
        String customId = idNode != null && idNode.isTextual() ? idNode.textValue() : null;
        if (idNode == null || idNode.isNull()) {
            return new Invalid(null, "missing_field", "The batch line has no custom_id.");
        }
        if (customId == null || customId.isEmpty()) {
            return new Invalid(null, "invalid_field", "The custom_id must be a non-empty string.");
        }
        JsonNode method = line.get("method");
        if (method == null || method.isNull()) {
            return new Invalid(customId, "missing_field", "The batch line has no method.");
        }
        if (!"POST".equals(method.asText())) {
            return new Invalid(customId, "invalid_method", "The method is '" + method.asText()
                                                           + "'; batch requests are POST.");
        }
        JsonNode url = line.get("url");
        if (url == null || url.isNull()) {
            return new Invalid(customId, "missing_field", "The batch line has no url.");
        }
        if (!ENDPOINTS.contains(url.asText())) {
            return new Invalid(customId, "unknown_endpoint", "The url '" + url.asText() + "' is not an endpoint a"
                                                             + " batch can use: " + String.join(", ",
                    ENDPOINTS.stream().sorted().toList()) + ".");
        }
        JsonNode body = line.get("body");
        if (body == null || body.isNull()) {
            return new Invalid(customId, "missing_field", "The batch line has no body.");
        }
        if (!body.isObject()) {
            return new Invalid(customId, "invalid_field", "The body must be a JSON object.");
        }
        JsonNode model = body.get("model");
        String endpoint = url.asText();
        if ((model == null || model.isNull()) && !endpoint.equals("/v1/moderations")) {
            return new Invalid(customId, "missing_field", "The body has no model.");
        }
        if (model != null && !model.isNull() && !model.isTextual()) {
            return new Invalid(customId, "invalid_field", "The body's model must be a string.");
        }
        return new Request(customId, endpoint, model == null || model.isNull() ? "" : model.textValue(), body);
    }

    private Parsed simpleRecord(ObjectNode record, String fallbackId) {
        JsonNode idNode = record.get("id");
        String customId;
        if (idNode == null || idNode.isNull()) {
            customId = fallbackId;
        } else if (idNode.isTextual() && !idNode.textValue().isEmpty() || idNode.isIntegralNumber()) {
            customId = idNode.asText();
        } else {
            return new Invalid(null, "invalid_field", "The id must be a non-empty string or a whole number.");
        }
        JsonNode prompt = record.get("prompt");
        JsonNode messages = record.get("messages");
        boolean hasPrompt = prompt != null && !prompt.isNull();
        boolean hasMessages = messages != null && !messages.isNull();
        if (!hasPrompt && !hasMessages) {
            return new Invalid(customId, "missing_field", "The record has neither prompt nor messages.");
        }
        if (hasPrompt && hasMessages) {
            return new Invalid(customId, "invalid_field", "The record has both prompt and messages; give one.");
        }
        if (hasPrompt && !prompt.isTextual()) {
            return new Invalid(customId, "invalid_field", "The prompt must be a string.");
        }
        if (hasMessages && (!messages.isArray() || messages.isEmpty())) {
            return new Invalid(customId, "invalid_field", "The messages must be a non-empty array.");
        }
        JsonNode modelNode = record.get("model");
        if (modelNode != null && !modelNode.isNull() && !modelNode.isTextual()) {
            return new Invalid(customId, "invalid_field", "The model must be a string.");
        }
        String model = modelNode == null || modelNode.isNull() ? defaultModel : modelNode.textValue();
        JsonNode maxTokens = record.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull() && !maxTokens.isIntegralNumber()) {
            return new Invalid(customId, "invalid_field", "The max_tokens must be a whole number.");
        }
        JsonNode temperature = record.get("temperature");
        if (temperature != null && !temperature.isNull() && !temperature.isNumber()) {
            return new Invalid(customId, "invalid_field", "The temperature must be a number.");
        }
        JsonNode systemNode = record.get("system");
        if (systemNode != null && !systemNode.isNull() && !systemNode.isTextual()) {
            return new Invalid(customId, "invalid_field", "The system prompt must be a string.");
        }
        String system = systemNode == null || systemNode.isNull() ? defaultSystem : systemNode.textValue();

        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode list = body.putArray("messages");
        if (system != null && !system.isEmpty()) {
            list.addObject().put("role", "system").put("content", system);
        }
        if (hasPrompt) {
            list.addObject().put("role", "user").put("content", prompt.textValue());
        } else {
            list.addAll((ArrayNode) messages);
        }
        if (maxTokens != null && !maxTokens.isNull()) {
            body.set("max_tokens", maxTokens);
        }
        if (temperature != null && !temperature.isNull()) {
            body.set("temperature", temperature);
        }
        return new Request(customId, CHAT, model, body);
    }
}
