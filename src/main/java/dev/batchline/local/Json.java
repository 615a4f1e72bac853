package dev.batchline.local;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The local provider's JSON mapper and the small readers its request checks share. */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    /** The text of a field that must be a string when present, or null when absent or JSON null. */
    static String optionalText(JsonNode node, String field, String param) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiError.invalidRequest("Invalid type for '" + param + "': expected a string, but got "
                                          + describe(value) + " instead.", param, "invalid_type");
        }
        return value.textValue();
    }

    static String requiredText(JsonNode node, String field, String param) {
        String value = optionalText(node, field, param);
        if (value == null) {
            throw missing(param);
        }
        return value;
    }

    static ApiError missing(String param) {
        return ApiError.invalidRequest("Missing required parameter: '" + param + "'.", param,
                "missing_required_parameter");
    }

    static String describe(JsonNode value) {
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isTextual()) {
            return "a string";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isNumber()) {
            return "a number";
        }
        return "null";
    }
}
