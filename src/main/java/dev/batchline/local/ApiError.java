package dev.batchline.local;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answered in OpenAI's shape: an HTTP status and {@code {"error":{"message","type","param","code"}}}.
 */
final class ApiError extends RuntimeException {

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    ApiError(int status, String type, String message, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    static ApiError invalidRequest(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }

    static ApiError notFound(String message, String param) {
        return new ApiError(404, "invalid_request_error", message, param, null);
    }

    static ApiError invalidUrl(String method, String path) {
        return new ApiError(404, "invalid_request_error", "Invalid URL (" + method + " " + path + ")", null, null);
    }

    int status() {
        return status;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }

    ObjectNode body() {
        return body(type, getMessage(), param, code);
    }

    static ObjectNode body(String type, String message, String param, String code) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
