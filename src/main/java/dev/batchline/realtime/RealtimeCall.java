package dev.batchline.realtime;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.Headers;
import dev.batchline.provider.Provider;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The real-time lane's two ends: {@link #prepare} turns what arrives on {@code direct:realtime} (a chat-completions
 * request as JSON text or a Map, or a plain prompt) into the provider call; {@link #finish} turns the provider's
 * answer into the response body with the usage as headers. {@link #failure} turns a failed call into an HTTP answer
 * for {@code POST /realtime}.
 */
public final class RealtimeCall {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Provider provider;
    private final String defaultModel;

    public RealtimeCall(Provider provider, String defaultModel) {
        this.provider = provider;
        this.defaultModel = defaultModel;
    }

    public void prepare(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        Object body = message.getBody();
        String model = message.getHeader(Headers.MODEL, defaultModel, String.class);
        ObjectNode request;
        if (body instanceof Map<?, ?> map) {
            request = JSON.valueToTree(map);
        } else {
            String text = message.getBody(String.class);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("direct:realtime needs a chat-completions request or a prompt");
            }
            String trimmed = text.trim();
            if (trimmed.startsWith("{")) {
                JsonNode parsed = JSON.readTree(trimmed);
                if (!parsed.isObject()) {
                    throw new IllegalArgumentException("direct:realtime needs a JSON object");
                }
                request = (ObjectNode) parsed;
            } else {
                request = JSON.createObjectNode();
                request.putArray("messages").addObject().put("role", "user").put("content", text);
            }
        }
        if (!request.hasNonNull("model")) {
            request.put("model", model);
        }
        message.removeHeaders("*", Headers.MODEL);
        message.setHeader(Exchange.HTTP_URI, provider.url("/chat/completions"));
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        provider.authorize(message);
        message.setBody(request.toString());
    }

    public void finish(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        message.removeHeader("Authorization");
        String body = message.getBody(String.class);
        message.setBody(body);
        JsonNode usage = JSON.readTree(body).path("usage");
        if (usage.isObject()) {
            message.setHeader(Headers.PROMPT_TOKENS, usage.path("prompt_tokens").asLong());
            message.setHeader(Headers.COMPLETION_TOKENS, usage.path("completion_tokens").asLong());
            message.setHeader(Headers.TOTAL_TOKENS, usage.path("total_tokens").asLong());
        }
    }

    /** The HTTP answer to {@code POST /realtime} when the call failed: the provider's status and error body. */
    public void failure(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (failure instanceof HttpOperationFailedException http) {
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, http.getStatusCode());
            message.setBody(http.getResponseBody());
            return;
        }
        boolean badRequest = failure instanceof IllegalArgumentException || failure instanceof JsonProcessingException;
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", badRequest ? String.valueOf(failure.getMessage())
                : "The provider could not be reached: " + failure);
        error.put("type", badRequest ? "invalid_request_error" : "server_error");
        error.putNull("param");
        error.putNull("code");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, badRequest ? 400 : 502);
        message.setBody(body.toString());
    }
}
