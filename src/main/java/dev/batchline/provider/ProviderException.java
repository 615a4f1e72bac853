package dev.batchline.provider;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A provider call that failed after its retries: the HTTP status and the provider's error, or the I/O failure.
 * Never carries request headers, so no key reaches a log through it.
 */
public final class ProviderException extends RuntimeException {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String code;
    private final String body;

    private ProviderException(String message, int status, String code, String body, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
        this.body = body;
    }

    static ProviderException from(String what, Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            String body = http.getResponseBody();
            String message = null;
            String code = null;
            try {
                JsonNode error = body == null ? null : JSON.readTree(body).path("error");
                if (error != null && error.isObject()) {
                    message = error.path("message").asText(null);
                    code = error.path("code").asText(null);
                }
            } catch (IOException e) {
                // not an OpenAI error body: the status says enough
            }
            return new ProviderException(what + " failed: HTTP " + http.getStatusCode()
                                         + (message != null ? " " + message : ""), http.getStatusCode(), code, body,
                    null);
        }
        return new ProviderException(what + " failed: " + failure, 0, null, null, failure);
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int status() {
        return status;
    }

    /** The provider's error code, when its body had one. */
    public String code() {
        return code;
    }

    /** The provider's response body, when there was one. */
    public String body() {
        return body;
    }
}
