package dev.batchline.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BatchLifecycleTest {

    @TempDir
    Path dataDir;

    @Test
    void should_move_a_batch_through_every_status_while_counting_its_requests() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.validating-delay=300ms",
                "batchline.local.finalizing-delay=300ms", "batchline.local.requests-per-second=40")) {
            String id = local.submit(RunningProvider.chatLines(40));

            JsonNode created = local.batch(id);
            assertThat(created.get("status").asText()).isEqualTo("validating");
            assertThat(created.get("in_progress_at").isNull()).isTrue();

            List<String> seen = new ArrayList<>();
            List<Integer> progress = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode batch = local.batch(id);
                String status = batch.get("status").asText();
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
                    seen.add(status);
                }
                if (status.equals("in_progress")) {
                    progress.add(batch.get("request_counts").get("completed").asInt());
                }
                return status.equals("completed");
            });

            assertThat(seen).containsExactly("validating", "in_progress", "finalizing", "completed");
            assertThat(progress).anyMatch(done -> done > 0 && done < 40);
            JsonNode batch = local.batch(id);
            assertThat(batch.get("request_counts").get("total").asInt()).isEqualTo(40);
            assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(40);
            assertThat(batch.get("request_counts").get("failed").asInt()).isZero();
            assertThat(batch.get("model").asText()).isEqualTo("gpt-4o-mini");
            for (String field : List.of("created_at", "in_progress_at", "finalizing_at", "completed_at")) {
                assertThat(batch.get(field).isIntegralNumber()).as(field).isTrue();
            }
            assertThat(batch.get("error_file_id").isNull()).isTrue();
        }
    }

    @Test
    void should_return_every_answer_once_out_of_input_order_with_honest_usage() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String id = local.submit(RunningProvider.chatLines(200));
            JsonNode batch = local.awaitStatus(id, "completed");
            List<JsonNode> lines = local.lines(batch.get("output_file_id").asText());

            List<String> order = lines.stream().map(line -> line.get("custom_id").asText()).toList();
            List<String> inputOrder = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                inputOrder.add("r" + i);
            }
            assertThat(order).containsExactlyInAnyOrderElementsOf(inputOrder);
            assertThat(order).isNotEqualTo(inputOrder);

            Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
            long inputTokens = 0;
            long outputTokens = 0;
            for (JsonNode line : lines) {
                String customId = line.get("custom_id").asText();
                assertThat(line.get("id").asText()).startsWith("batch_req_");
                assertThat(line.get("error").isNull()).isTrue();
                assertThat(line.get("response").get("status_code").asInt()).isEqualTo(200);
                JsonNode body = line.get("response").get("body");
                String answer = body.get("choices").get(0).get("message").get("content").asText();
                assertThat(answer).isEqualTo("Offline answer to: prompt " + customId.substring(1));
                JsonNode usage = body.get("usage");
                assertThat(usage.get("completion_tokens").asInt()).isEqualTo(o200k.countTokens(answer));
                // 3 priming tokens + 3 per message + role + content
                assertThat(usage.get("prompt_tokens").asInt())
                        .isEqualTo(3 + 3 + o200k.countTokens("user") + o200k.countTokens("prompt "
                                                                                           + customId.substring(1)));
                inputTokens += usage.get("prompt_tokens").asLong();
                outputTokens += usage.get("completion_tokens").asLong();
            }
            assertThat(batch.get("usage").get("input_tokens").asLong()).isEqualTo(inputTokens);
            assertThat(batch.get("usage").get("output_tokens").asLong()).isEqualTo(outputTokens);
            assertThat(batch.get("usage").get("total_tokens").asLong()).isEqualTo(inputTokens + outputTokens);
        }
    }

    @Test
    void should_put_requests_the_model_rejects_into_the_error_file() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String lines = RunningProvider.chatLine("good", "fine") + "\n"
                           + "{\"custom_id\":\"hot\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                           + "{\"model\":\"gpt-4o-mini\",\"temperature\":5,\"messages\":[{\"role\":\"user\","
                           + "\"content\":\"x\"}]}}\n";
            JsonNode batch = local.awaitStatus(local.submit(lines), "completed");

            assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(1);
            assertThat(batch.get("request_counts").get("failed").asInt()).isEqualTo(1);
            List<JsonNode> errors = local.lines(batch.get("error_file_id").asText());
            assertThat(errors).hasSize(1);
            JsonNode error = errors.get(0);
            assertThat(error.get("custom_id").asText()).isEqualTo("hot");
            assertThat(error.get("error").isNull()).isTrue();
            assertThat(error.get("response").get("status_code").asInt()).isEqualTo(400);
            assertThat(error.get("response").get("body").get("error").get("param").asText()).isEqualTo("temperature");
            assertThat(local.lines(batch.get("output_file_id").asText()))
                    .extracting(line -> line.get("custom_id").asText()).containsExactly("good");
        }
    }

    @Test
    void should_complete_with_only_an_error_file_when_every_request_fails() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String lines = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                           + "{\"model\":\"gpt-4o-mini\",\"messages\":[]}}\n"
                           + "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                           + "{\"model\":\"gpt-4o-mini\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\","
                           + "\"content\":\"x\"}]}}\n";
            JsonNode batch = local.awaitStatus(local.submit(lines), "completed");

            assertThat(batch.get("output_file_id").isNull()).isTrue();
            assertThat(batch.get("request_counts").get("failed").asInt()).isEqualTo(2);
            assertThat(local.lines(batch.get("error_file_id").asText()))
                    .extracting(line -> line.get("response").get("body").get("error").get("code").asText())
                    .containsExactlyInAnyOrder("empty_array", "integer_below_min_value");
        }
    }

    @Test
    void should_answer_embedding_batches() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String lines = "{\"custom_id\":\"e1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":"
                           + "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\",\"dimensions\":8}}\n";
            String id = local.createBatch(local.uploadBatchInput(lines), "/v1/embeddings").get("id").asText();
            JsonNode batch = local.awaitStatus(id, "completed");

            JsonNode body = local.lines(batch.get("output_file_id").asText()).get(0).get("response").get("body");
            assertThat(body.get("data").get(0).get("embedding")).hasSize(8);
            assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(1);
        }
    }
}
