package dev.batchline.provider;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * A provider call that failed after its retries in place: the provider it went to, the HTTP status and the
 * provider's error, or the I/O failure, or an answer that is not what the API promises. Never carries request
 * headers, so no key reaches a log through it.
 */
public final class ProviderException extends RuntimeException {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String provider;
    private final int status;
    private final String code;
    private final String providerMessage;
    private final String body;
    private final Long retryAfterMillis;

    private ProviderException(String message, String provider, int status, String code, String providerMessage,
                              String body, Long retryAfterMillis, Throwable cause) {
        super(message, cause);
        this.provider = provider;
        this.status = status;
        this.code = code;
        this.providerMessage = providerMessage;
        this.body = body;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** The failure of a call to the named provider: its answer, or the I/O failure when none came. */
    public static ProviderException from(String what, String provider, Throwable failure) {
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
                                         + (message != null ? " " + message : ""), provider, http.getStatusCode(),
                    code, message, body, RetryPolicy.retryAfterMillis(http.getResponseHeaders()), null);
        }
        return new ProviderException(what + " failed: " + failure, provider, 0, null, null, null, null, failure);
    }

    /** An answer with a success status whose body is not what the API promises. */
    public static ProviderException malformed(String what, String provider, Throwable cause) {
        return new ProviderException(what + ": the provider answered with a body that is not the JSON expected",
                provider, 0, null, null, null, null, cause);
    }

    /** The provider the call went to: {@code local}, {@code openai} or its base URL. */
    public String provider() {
        return provider;
    }

    /** The HTTP status, or 0 when no usable answer arrived. */
    public int status() {
        return status;
    }

    /** The provider's error code, when its body had one. */
    public String code() {
        return code;
    }

    /** The provider's error message, when its body had one. */
    public String providerMessage() {
        return providerMessage;
    }

    /** The provider's response body, when there was one. */
    public String body() {
        return body;
    }

    /** How long the provider asked to wait ({@code retry-after-ms} or {@code Retry-After}), or null. */
    public Long retryAfterMillis() {
        return retryAfterMillis;
    }
}
