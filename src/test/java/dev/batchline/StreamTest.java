package dev.batchline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.failure.InvalidRecordException;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.ExchangeBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Records sent to direct:batch from any Camel route, and their results sent to an endpoint, correlated. */
class StreamTest extends ApplicationTestSupport {

    private static final String RESULTS = "seda:stream-results?size=10000";

    @Override
    protected Properties properties() {
        // batches wait for more records for 2 s, as a stream's would
        return with("batchline.results.endpoint=" + RESULTS, "batchline.batch.max-wait=2s");
    }

    @Test
    void should_take_every_shape_of_record_and_send_each_result_correlated_by_custom_id() throws Exception {
        String simple = send("{\"id\":\"s-1\",\"prompt\":\"simple\"}", Map.of());
        String line = send("{\"custom_id\":\"n-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                           + "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"native\"}]}}",
                Map.of(Headers.SOURCE, "orders"));
        String map = send(Map.of("id", "m-1", "prompt", "from a map"), Map.of());
        String prompt = send("plain prompt", Map.of(Headers.CUSTOM_ID, "p-1", Headers.MODEL, "gpt-4.1-mini",
                Headers.SYSTEM, "Be brief."));
        assertThat(List.of(simple, line, map, prompt)).containsExactly("s-1", "n-1", "m-1", "p-1");

        Map<String, Exchange> results = receive(4);

        assertThat(results).containsOnlyKeys("s-1", "n-1", "m-1", "p-1");
        assertThat(answer(body(results.get("s-1")))).isEqualTo("Offline answer to: simple");
        assertThat(answer(body(results.get("n-1")))).isEqualTo("Offline answer to: native");
        assertThat(answer(body(results.get("m-1")))).isEqualTo("Offline answer to: from a map");
        assertThat(answer(body(results.get("p-1")))).isEqualTo("Offline answer to: plain prompt");
        assertThat(body(results.get("p-1")).path("response").path("body").path("model").asText())
                .startsWith("gpt-4.1-mini");
        for (Exchange result : results.values()) {
            JsonNode body = body(result);
            assertThat(body.path("custom_id").asText()).isEqualTo(result.getMessage().getHeader(Headers.CUSTOM_ID));
            assertThat(body.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(result.getMessage().getHeader(Headers.STATUS)).isEqualTo("succeeded");
        }
        assertThat(results.get("n-1").getMessage().getHeader(Headers.SOURCE)).isEqualTo("orders");
        assertThat(results.get("s-1").getMessage().getHeader(Headers.SOURCE)).isEqualTo("direct");
    }

    @Test
    void should_refuse_bad_input_naming_the_field_and_spool_nothing_for_it() throws Exception {
        assertThatThrownBy(() -> send("{\"id\":\"x\"}", Map.of()))
                .hasRootCauseInstanceOf(InvalidRecordException.class)
                .rootCause().hasMessageContaining("missing_field").hasMessageContaining("prompt");
        assertThatThrownBy(() -> send("{\"id\":\"x\",\"prompt\":", Map.of()))
                .rootCause().hasMessageContaining("invalid_json");
        assertThatThrownBy(() -> send("{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/nothing\",\"body\":{}}",
                Map.of())).rootCause().hasMessageContaining("unknown_endpoint").hasMessageContaining("/v1/nothing");
        assertThatThrownBy(() -> send("   ", Map.of())).rootCause().hasMessageContaining("missing_field");

        JsonNode summary = summary("direct");
        assertThat(summary.path("records").asInt()).isZero();
    }

    @Test
    void should_take_a_record_sent_twice_once_and_send_one_result() throws Exception {
        Exchange first = exchange("{\"id\":\"twice\",\"prompt\":\"once only\"}", Map.of());
        Exchange again = exchange("{\"id\":\"twice\",\"prompt\":\"once only\"}", Map.of());

        assertThat(first.getMessage().getHeader(Headers.TAKEN, Boolean.class)).isTrue();
        assertThat(again.getMessage().getHeader(Headers.TAKEN, Boolean.class)).isFalse();
        assertThat(again.getMessage().getHeader(Headers.CUSTOM_ID)).isEqualTo("twice");
        Map<String, Exchange> results = receive(1);
        assertThat(results).containsOnlyKeys("twice");
        assertThat(consumer.receive(RESULTS, 1000)).isNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(summary("direct").path("sent").asInt()).isEqualTo(1));
        JsonNode summary = summary("direct");
        assertThat(summary.path("records").asInt()).isEqualTo(1);
        assertThat(summary.path("succeeded").asInt()).isEqualTo(1);
        assertThat(summary.path("in_flight").asInt()).isZero();
        assertThat(summary.path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(summary.path("cost").path("batch").asDouble()).isPositive();
    }

    @Test
    void should_batch_stream_records_with_the_inbox_files_by_endpoint_and_model() throws Exception {
        for (int i = 1; i <= 3; i++) {
            send("{\"id\":\"q-" + i + "\",\"prompt\":\"streamed " + i + "\"}", Map.of());
        }
        drop("together.jsonl", simpleRecords("f", 5));

        awaitSummary("together");
        receive(3);

        List<JsonNode> batches = providerBatches();
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).path("request_counts").path("total").asInt()).isEqualTo(8);
    }

    @Test
    void should_send_a_result_to_the_endpoint_the_record_names() throws Exception {
        send("{\"id\":\"own\",\"prompt\":\"mine\"}", Map.of(Headers.REPLY_TO, "seda:own-results"));

        Exchange result = consumer.receive("seda:own-results", 30_000);

        assertThat(result).isNotNull();
        assertThat(result.getMessage().getHeader(Headers.CUSTOM_ID)).isEqualTo("own");
        assertThat(answer(body(result))).isEqualTo("Offline answer to: mine");
    }

    @Test
    void should_hold_the_results_of_a_failing_endpoint_while_other_streams_get_theirs() throws Exception {
        send("{\"id\":\"late\",\"prompt\":\"for a consumer not there yet\"}",
                Map.of(Headers.SOURCE, "flaky", Headers.REPLY_TO, "direct:flaky-results?block=false"));
        send("{\"id\":\"prompt\",\"prompt\":\"for a consumer that is there\"}", Map.of(Headers.SOURCE, "steady"));

        Map<String, Exchange> steady = receive(1);
        assertThat(steady).containsOnlyKeys("prompt");
        assertThat(summary("flaky").path("in_flight").asInt()).isEqualTo(1);

        RouteBuilder.addRoutes(context, routes -> routes.from("direct:flaky-results").routeId("flaky-consumer")
                .to("seda:flaky-arrived"));
        context.getRouteController().startRoute("flaky-consumer");
        Exchange late = consumer.receive("seda:flaky-arrived", 30_000);

        assertThat(late).isNotNull();
        assertThat(late.getMessage().getHeader(Headers.CUSTOM_ID)).isEqualTo("late");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(summary("flaky").path("in_flight").asInt()).isZero());
    }

    private String send(Object body, Map<String, Object> headers) {
        return exchange(body, headers).getMessage().getHeader(Headers.CUSTOM_ID, String.class);
    }

    private Exchange exchange(Object body, Map<String, Object> headers) {
        ExchangeBuilder builder = ExchangeBuilder.anExchange(context).withBody(body);
        headers.forEach(builder::withHeader);
        Exchange exchange = template.send("direct:batch", builder.build());
        if (exchange.getException() != null) {
            throw new CamelExecutionException("direct:batch refused the record", exchange, exchange.getException());
        }
        return exchange;
    }

    private Map<String, Exchange> receive(int count) {
        Map<String, Exchange> results = new HashMap<>();
        List<Exchange> received = new ArrayList<>();
        while (received.size() < count) {
            Exchange result = consumer.receive(RESULTS, 60_000);
            assertThat(result).as("result %d of %d", received.size() + 1, count).isNotNull();
            received.add(result);
            results.put(result.getMessage().getHeader(Headers.CUSTOM_ID, String.class), result);
        }
        return results;
    }

    private JsonNode summary(String stream) throws Exception {
        return JSON.readTree(template.requestBodyAndHeader("direct:stream-summary", null, Headers.SOURCE, stream,
                String.class));
    }

    private static JsonNode body(Exchange exchange) throws Exception {
        return JSON.readTree(exchange.getMessage().getBody(String.class));
    }
}
