package dev.batchline;

import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** From inbox to outbox through the local provider: records in, results out, in input order. */
class PipelineTest extends ApplicationTestSupport {

    @Test
    void should_turn_simple_records_into_results_in_input_order() throws Exception {
        drop("reviews.jsonl", simpleRecords("r", 150));

        JsonNode summary = awaitSummary("reviews");

        List<JsonNode> results = results("reviews");
        assertThat(customIds(results)).containsExactlyElementsOf(ids("r", 150));
        for (int i = 0; i < results.size(); i++) {
            JsonNode line = results.get(i);
            assertThat(line.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(answer(line)).isEqualTo("Offline answer to: question " + (i + 1));
        }
        assertThat(summary.path("source").asText()).isEqualTo("reviews.jsonl");
        assertThat(summary.path("records").asInt()).isEqualTo(150);
        assertThat(summary.path("succeeded").asInt()).isEqualTo(150);
        assertThat(summary.path("failed").asInt()).isZero();
        assertThat(summary.path("batches")).hasSize(1);
        assertThat(summary.path("usage").path("prompt_tokens").asLong()).isPositive();
        assertThat(summary.path("cost").path("batch").asDouble())
                .isEqualTo(summary.path("cost").path("realtime_equivalent").asDouble() / 2, within(1e-6));
        assertThat(outbox.resolve("reviews.errors.jsonl")).doesNotExist();
        assertThat(inbox.resolve("reviews.jsonl")).doesNotExist();
        assertThat(inbox.resolve(".done").toFile().list()).hasSize(1);
    }

    @Test
    void should_pass_native_batch_lines_through() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            lines.append("{\"custom_id\":\"n-").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                         + "\"body\":{\"model\":\"gpt-4o-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\","
                         + "\"content\":\"native ").append(i).append("\"}]}}\n");
        }
        lines.append("{\"custom_id\":\"e-1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":"
                     + "\"text-embedding-3-small\",\"input\":\"embed me\"}}\n");
        drop("native.jsonl", lines.toString());

        JsonNode summary = awaitSummary("native");

        List<JsonNode> results = results("native");
        assertThat(customIds(results)).containsExactly("n-1", "n-2", "n-3", "n-4", "n-5", "e-1");
        assertThat(answer(results.get(2))).isEqualTo("Offline answer to: native 3");
        assertThat(results.get(5).path("response").path("body").path("data").path(0).path("embedding")).hasSize(1536);
        assertThat(summary.path("batches")).hasSize(2);
    }

    @Test
    void should_report_bad_lines_with_their_numbers_and_deliver_the_good_ones() throws Exception {
        drop("mixed.jsonl", "{\"id\":\"a\",\"prompt\":\"first\"}\n"
                            + "not json at all\n"
                            + "\n"
                            + "[1,2]\n"
                            + "{\"id\":\"b\"}\n"
                            + "{\"custom_id\":\"c\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}\n"
                            + "{\"id\":\"d\",\"prompt\":\"last\"}\n");

        JsonNode summary = awaitSummary("mixed");

        assertThat(customIds(results("mixed"))).containsExactly("a", null, null, "b", "c", "d");
        assertThat(answer(results("mixed").get(5))).isEqualTo("Offline answer to: last");
        assertThat(errors("mixed")).extracting(e -> e.path("line").asInt() + ":" + e.path("code").asText())
                .containsExactly("2:invalid_json", "4:not_an_object", "5:missing_field", "6:invalid_method");
        assertThat(errors("mixed")).allSatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo("mixed.jsonl");
            assertThat(e.path("message").asText()).isNotBlank();
        });
        assertThat(summary.path("records").asInt()).isEqualTo(6);
        assertThat(summary.path("succeeded").asInt()).isEqualTo(2);
        assertThat(summary.path("invalid").asInt()).isEqualTo(4);
    }

    @Test
    void should_report_every_record_of_a_source_whose_requests_all_fail() throws Exception {
        drop("hot.jsonl", "{\"id\":\"h1\",\"prompt\":\"x\",\"temperature\":5}\n"
                          + "{\"id\":\"h2\",\"prompt\":\"y\",\"temperature\":7}\n");

        JsonNode summary = awaitSummary("hot");

        List<JsonNode> results = results("hot");
        assertThat(customIds(results)).containsExactly("h1", "h2");
        assertThat(results).allSatisfy(line -> {
            assertThat(line.path("response").path("status_code").asInt()).isEqualTo(400);
            assertThat(line.path("response").path("body").path("error").path("param").asText())
                    .isEqualTo("temperature");
        });
        assertThat(errors("hot")).extracting(e -> e.path("custom_id").asText() + ":" + e.path("code").asText())
                .containsExactly("h1:decimal_above_max_value", "h2:decimal_above_max_value");
        assertThat(summary.path("failed").asInt()).isEqualTo(2);
        assertThat(summary.path("succeeded").asInt()).isZero();
    }

    @Test
    void should_deliver_a_source_with_no_valid_record_at_once() throws Exception {
        drop("empty.jsonl", "");
        drop("junk.jsonl", "junk\n");

        assertThat(awaitSummary("empty").path("records").asInt()).isZero();
        assertThat(results("empty")).isEmpty();
        assertThat(awaitSummary("junk").path("invalid").asInt()).isEqualTo(1);
        assertThat(errors("junk")).hasSize(1);
    }

    /** Several sources dropped together share a batch. */
    @Nested
    class SharedBatches extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.inbox.settle-time=1000", "batchline.inbox.settle-timeout=3000");
        }

        @Test
        void should_put_sources_dropped_together_into_one_batch() throws Exception {
            drop("one.jsonl", simpleRecords("a", 10));
            drop("two.jsonl", simpleRecords("b", 20));
            drop("three.jsonl", simpleRecords("c", 30));

            JsonNode one = awaitSummary("one");
            JsonNode two = awaitSummary("two");
            JsonNode three = awaitSummary("three");

            assertThat(one.path("batches")).hasSize(1);
            assertThat(two.path("batches")).isEqualTo(one.path("batches"));
            assertThat(three.path("batches")).isEqualTo(one.path("batches"));
            assertThat(customIds(results("two"))).containsExactlyElementsOf(ids("b", 20));
            assertThat(customIds(results("three"))).containsExactlyElementsOf(ids("c", 30));
        }
    }

    /** A source larger than a batch spans several. */
    @Nested
    class SpanningBatches extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.batch.max-requests=40");
        }

        @Test
        void should_split_a_source_into_batches_and_join_its_results_in_order() throws Exception {
            drop("big.jsonl", simpleRecords("x", 150));

            JsonNode summary = awaitSummary("big");

            assertThat(summary.path("batches")).hasSize(4);
            List<JsonNode> results = results("big");
            assertThat(customIds(results)).containsExactlyElementsOf(ids("x", 150));
            assertThat(answer(results.get(149))).isEqualTo("Offline answer to: question 150");
        }
    }

    static List<String> ids(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + i).toList();
    }

    private static org.assertj.core.data.Offset<Double> within(double offset) {
        return org.assertj.core.data.Offset.offset(offset);
    }
}
