package dev.batchline.local;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** With an upstream configured, the local provider gives any OpenAI-compatible real-time server a Batch API. */
class UpstreamTest {

    @TempDir
    Path upstreamDir;

    @TempDir
    Path batchDir;

    @Test
    void should_execute_batch_requests_on_the_upstream_server_with_its_key() throws Exception {
        try (RunningProvider upstream = RunningProvider.start(upstreamDir, "batchline.local.api-key=sk-upstream",
                "batchline.local.fault.chat.rate-503=0.3", "batchline.local.fault.seed=7");
             RunningProvider local = RunningProvider.start(batchDir,
                     "batchline.local.upstream.url=" + upstream.baseUrl(),
                     "batchline.local.upstream.api-key=sk-upstream")) {
            JsonNode batch = local.awaitStatus(local.submit(RunningProvider.chatLines(10)), "completed");

            assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(10);
            JsonNode line = local.lines(batch.get("output_file_id").asText()).get(0);
            String customId = line.get("custom_id").asText();
            JsonNode body = line.get("response").get("body");
            assertThat(body.get("choices").get(0).get("message").get("content").asText())
                    .isEqualTo("Offline answer to: prompt " + customId.substring(1));
            assertThat(batch.get("usage").get("input_tokens").asLong()).isPositive();
        }
    }
}
