package dev.batchline.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The provider keeps files and batches on disk: a restart resumes running batches without losing or repeating. */
class RestartTest {

    @TempDir
    Path dataDir;

    @Test
    void should_finish_a_batch_that_was_running_when_the_provider_stopped() throws Exception {
        String id;
        String inputFileId;
        try (RunningProvider first = RunningProvider.start(dataDir, "batchline.local.requests-per-second=40")) {
            inputFileId = first.uploadBatchInput(RunningProvider.chatLines(120));
            id = first.createBatch(inputFileId, "/v1/chat/completions").get("id").asText();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> first.batch(id).get("request_counts").get("completed").asInt() >= 10);
        }

        try (RunningProvider second = RunningProvider.start(dataDir)) {
            JsonNode batch = second.awaitStatus(id, "completed");

            List<JsonNode> lines = second.lines(batch.get("output_file_id").asText());
            assertThat(lines).extracting(line -> line.get("custom_id").asText())
                    .doesNotHaveDuplicates().hasSize(120);
            assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(120);
            assertThat(second.get("/files/" + inputFileId + "/content").body())
                    .isEqualTo(RunningProvider.chatLines(120));
        }
    }

    @Test
    void should_keep_ended_batches_and_their_files_across_restarts() throws Exception {
        String id;
        JsonNode before;
        try (RunningProvider first = RunningProvider.start(dataDir)) {
            id = first.submit(RunningProvider.chatLines(3));
            before = first.awaitStatus(id, "completed");
        }
        try (RunningProvider second = RunningProvider.start(dataDir)) {
            assertThat(second.batch(id)).isEqualTo(before);
            assertThat(second.lines(before.get("output_file_id").asText())).hasSize(3);
            String next = second.submit(RunningProvider.chatLines(1));
            assertThat(RunningProvider.json(second.get("/batches")).get("data"))
                    .extracting(batch -> batch.get("id").asText()).containsExactly(next, id);
        }
    }
}
