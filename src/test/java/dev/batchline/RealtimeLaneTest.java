package dev.batchline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** direct:realtime and POST /realtime: calls that cannot wait, answered now, retried when the provider fails. */
class RealtimeLaneTest {

    @Nested
    class Answers extends ApplicationTestSupport {

        @Test
        void should_answer_a_request_with_its_usage_in_headers() throws Exception {
            Exchange exchange = template.request("direct:realtime", e -> e.getMessage().setBody(
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Now please\"}]}"));

            JsonNode body = JSON.readTree(exchange.getMessage().getBody(String.class));
            assertThat(body.path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("Offline answer to: Now please");
            assertThat(exchange.getMessage().getHeader(Headers.PROMPT_TOKENS, Long.class))
                    .isEqualTo(body.path("usage").path("prompt_tokens").asLong());
            assertThat(exchange.getMessage().getHeader(Headers.TOTAL_TOKENS, Long.class)).isPositive();
            assertThat(exchange.getMessage().getHeader("Authorization")).isNull();
        }

        @Test
        void should_take_a_map_or_a_plain_prompt() throws Exception {
            String fromMap = template.requestBody("direct:realtime", Map.of("messages",
                    List.of(Map.of("role", "user", "content", "from a map"))), String.class);
            String fromPrompt = template.requestBodyAndHeader("direct:realtime", "just a prompt",
                    Headers.MODEL, "gpt-4.1-mini", String.class);

            assertThat(JSON.readTree(fromMap).path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(JSON.readTree(fromPrompt).path("choices").path(0).path("message").path("content").asText())
                    .isEqualTo("Offline answer to: just a prompt");
            assertThat(JSON.readTree(fromPrompt).path("model").asText()).isEqualTo("gpt-4.1-mini");
        }

        @Test
        void should_answer_over_http_on_loopback() throws Exception {
            int port = context.getComponent("platform-http", PlatformHttpComponent.class).getEngine()
                    .getServerPort();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/realtime"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":"
                                                              + "\"over http\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> rejected = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/realtime"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("choices").path(0).path("message").path("content")
                    .asText()).isEqualTo("Offline answer to: over http");
            assertThat(response.headers().firstValue(Headers.TOTAL_TOKENS)).isPresent();
            assertThat(rejected.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(rejected.body()).path("error").path("code").asText()).isEqualTo("empty_array");
        }
    }

    /** The provider answers 429 or 500 to 60% of real-time calls. */
    @Nested
    class FailingProvider extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.chat.rate-429=0.3",
                    "batchline.local.fault.chat.rate-500=0.3",
                    "batchline.local.fault.retry-after=0",
                    "batchline.local.fault.seed=42",
                    "batchline.realtime.max-retries=12");
        }

        @Test
        void should_succeed_within_the_retry_budget() throws Exception {
            for (int i = 0; i < 20; i++) {
                String answer = template.requestBody("direct:realtime", "call " + i, String.class);
                assertThat(JSON.readTree(answer).path("choices").path(0).path("message").path("content").asText())
                        .isEqualTo("Offline answer to: call " + i);
            }
        }
    }

    /** The provider answers 503 to every real-time call. */
    @Nested
    class DownProvider extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.chat.rate-503=1.0", "batchline.realtime.max-retries=2");
        }

        @Test
        void should_give_up_after_the_retries_with_the_providers_status() {
            assertThatThrownBy(() -> template.requestBody("direct:realtime", "anyone?", String.class))
                    .isInstanceOf(CamelExecutionException.class)
                    .cause().isInstanceOf(HttpOperationFailedException.class)
                    .satisfies(e -> assertThat(((HttpOperationFailedException) e).getStatusCode()).isEqualTo(503));
        }
    }

    /** The provider answers every real-time call with 429 and Retry-After: 2. */
    @Nested
    class RateLimitedProvider extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            // the tests' short back-off cap (retry.max-delay) would cut the provider's wait short: the default here
            return with("batchline.local.fault.chat.rate-429=1.0", "batchline.local.fault.retry-after=2",
                    "batchline.realtime.max-retries=1", "batchline.retry.max-delay=30s");
        }

        @Test
        void should_wait_the_providers_retry_after_before_it_retries() {
            long started = System.nanoTime();

            assertThatThrownBy(() -> template.requestBody("direct:realtime", "not so fast", String.class))
                    .cause().isInstanceOf(HttpOperationFailedException.class)
                    .satisfies(e -> assertThat(((HttpOperationFailedException) e).getStatusCode()).isEqualTo(429));
            // a lower bound: the one retry came no earlier than the provider asked (a slow machine only adds to it)
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("from the call to its failure")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }
}
