package dev.batchline.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.jsonl.JsonlReader;

/**
 * What a batch does in {@code validating}: reads its input file once, as a stream, and finds every line that OpenAI
 * would reject, with the line number: not JSON, not a request, not POST, another URL than the batch's endpoint,
 * another model than the first line's, a repeated {@code custom_id}; and whole-file faults: empty, too many
 * requests, too large, a model the provider is set not to know ({@code batchline.local.fault.unknown-models}).
 */
final class BatchInputCheck {

    /** Errors reported for one batch at most; the rest are only counted. */
    static final int MAX_ERRORS = 100;

    record Result(ArrayNode errors, int requests, String model) {
        boolean passed() {
            return errors.isEmpty();
        }
    }

    private final int maxRequests;
    private final long maxBytes;
    private final Set<String> unknownModels;

    BatchInputCheck(int maxRequests, long maxBytes, Set<String> unknownModels) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.unknownModels = unknownModels;
    }

    Result check(Path input, long size, String endpoint) throws IOException {
        ArrayNode errors = Json.MAPPER.createArrayNode();
        if (size > maxBytes) {
            add(errors, "file_too_large", "The batch input file is larger than the " + maxBytes
                                          + " maximum bytes allowed for a batch.", null, null);
            return new Result(errors, 0, null);
        }
        Map<String, Integer> seen = new HashMap<>();
        String model = null;
        int requests = 0;
        try (JsonlReader lines = new JsonlReader(input, 0, 1)) {
            while (lines.next() && errors.size() < MAX_ERRORS) {
                if (lines.blank()) {
                    continue;
                }
                requests++;
                int line = lines.number();
                if (requests > maxRequests) {
                    add(errors, "too_many_tasks", "The batch input file has more than the " + maxRequests
                                                  + " requests allowed in one batch.", null, line);
                    break;
                }
                JsonNode request;
                try {
                    request = Json.MAPPER.readTree(lines.bytes(), 0, lines.length());
                } catch (JsonProcessingException e) {
                    add(errors, "invalid_json_line", "This line is not parseable as valid JSON.", null, line);
                    continue;
                }
                if (request == null || !request.isObject()) {
                    add(errors, "invalid_json_line", "This line is not a JSON object.", null, line);
                    continue;
                }
                try {
                    String customId = Json.requiredText(request, "custom_id", "custom_id");
                    String method = Json.requiredText(request, "method", "method");
                    String url = Json.requiredText(request, "url", "url");
                    JsonNode body = request.get("body");
                    if (body == null || body.isNull()) {
                        throw Json.missing("body");
                    }
                    if (!body.isObject()) {
                        throw ApiError.invalidRequest("Invalid type for 'body': expected an object, but got "
                                                      + Json.describe(body) + " instead.", "body", "invalid_type");
                    }
                    if (!"POST".equals(method)) {
                        throw ApiError.invalidRequest("The method must be POST, not '" + method + "'.", "method",
                                "invalid_method");
                    }
                    if (!endpoint.equals(url)) {
                        throw ApiError.invalidRequest("The url '" + url + "' does not match the batch's endpoint '"
                                                      + endpoint + "'.", "url", "url_mismatch");
                    }
                    String lineModel = Json.optionalText(body, "model", "body.model");
                    if (lineModel == null && !endpoint.equals("/v1/moderations")) {
                        throw Json.missing("body.model");
                    }
                    if (model == null) {
                        model = lineModel;
                    } else if (lineModel != null && !model.equals(lineModel)) {
                        throw ApiError.invalidRequest("The model '" + lineModel + "' differs from the model '"
                                                      + model + "' of the earlier lines; a batch takes one model.",
                                "body.model", "model_mismatch");
                    }
                    Integer first = seen.putIfAbsent(customId, line);
                    if (first != null) {
                        throw ApiError.invalidRequest("The custom_id '" + customId + "' is already used on line "
                                                      + first + ".", "custom_id", "duplicate_custom_id");
                    }
                } catch (ApiError e) {
                    add(errors, e.code(), e.getMessage(), e.param(), line);
                }
            }
        }
        if (requests == 0 && errors.isEmpty()) {
            add(errors, "empty_file", "The batch input file is empty.", null, null);
        }
        if (errors.isEmpty() && model != null && unknownModels.contains(model)) {
            add(errors, "model_not_found", "The model '" + model + "' does not exist or you do not have access to it.",
                    "body.model", null);
        }
        return new Result(errors, requests, model);
    }

    private static void add(ArrayNode errors, String code, String message, String param, Integer line) {
        ObjectNode error = errors.addObject();
        error.put("code", code);
        error.put("message", message);
        error.put("param", param);
        error.put("line", line);
    }
}
