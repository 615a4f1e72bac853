package dev.batchline.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes requests on an OpenAI-compatible real-time server (vLLM, Ollama, llama.cpp, a hosted API), which gives
 * any such server a Batch API. Connection failures, 429 and 5xx are retried with back-off; what still fails becomes
 * the request's error answer.
 */
final class UpstreamModel implements Model {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamModel.class);
    private static final int ATTEMPTS = 5;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient client;

    UpstreamModel(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public Answer answer(String endpoint, JsonNode body) {
        String path = endpoint.startsWith("/v1/") ? endpoint.substring(3) : endpoint;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        String failure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long wait = 500L << (attempt - 1);
            try {
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if ((status == 429 || status >= 500) && attempt < ATTEMPTS) {
                    wait = response.headers().firstValue("retry-after").map(UpstreamModel::seconds).orElse(wait);
                    failure = "HTTP " + status;
                } else {
                    return answer(status, response.body());
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Answer.of(new ApiError(500, "server_error", "Interrupted while calling the upstream.", null,
                        null));
            }
            LOG.debug("Upstream {} failed ({}), attempt {} of {}", path, failure, attempt, ATTEMPTS);
            pause(wait);
        }
        return Answer.of(new ApiError(502, "server_error", "The upstream model server did not answer: " + failure,
                null, "upstream_unavailable"));
    }

    private static Answer answer(int status, String text) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Answer.of(new ApiError(502, "server_error", "The upstream model server answered HTTP " + status
                                                               + " with a body that is not JSON.", null,
                    "upstream_invalid_response"));
        }
        JsonNode usage = body.path("usage");
        long input = usage.path("prompt_tokens").asLong(usage.path("input_tokens").asLong());
        long output = usage.path("completion_tokens").asLong(usage.path("output_tokens").asLong());
        return new Answer(status, body, input, output);
    }

    private static long seconds(String retryAfter) {
        try {
            return (long) (Double.parseDouble(retryAfter) * 1000);
        } catch (NumberFormatException e) {
            return 1000;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.min(millis, 30_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
