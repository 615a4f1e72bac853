package dev.batchline.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches that do not complete: expired after their window, cancelled on request; both keep partial results. */
class BatchEndingTest {

    @TempDir
    Path dataDir;

    @Test
    void should_expire_a_batch_past_its_window_with_partial_output_and_the_rest_as_batch_expired()
            throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.completion-window=1500ms",
                "batchline.local.requests-per-second=20")) {
            String id = local.submit(RunningProvider.chatLines(200));
            JsonNode batch = local.awaitStatus(id, "expired");

            assertThat(batch.get("expired_at").isIntegralNumber()).isTrue();
            int completed = batch.get("request_counts").get("completed").asInt();
            assertThat(completed).isBetween(1, 199);
            List<String> answered = customIds(local.lines(batch.get("output_file_id").asText()));
            List<JsonNode> errors = local.lines(batch.get("error_file_id").asText());
            assertThat(answered).hasSize(completed);
            assertThat(errors).allSatisfy(line -> {
                assertThat(line.get("response").isNull()).isTrue();
                assertThat(line.get("error").get("code").asText()).isEqualTo("batch_expired");
            });
            List<String> all = new ArrayList<>(answered);
            all.addAll(customIds(errors));
            assertThat(all).doesNotHaveDuplicates().hasSize(200);
        }
    }

    @Test
    void should_expire_early_after_the_configured_number_of_requests() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir,
                "batchline.local.fault.expire-after-requests=30")) {
            JsonNode batch = local.awaitStatus(local.submit(RunningProvider.chatLines(100)), "expired");

            assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(30);
            assertThat(local.lines(batch.get("output_file_id").asText())).hasSize(30);
            assertThat(local.lines(batch.get("error_file_id").asText())).hasSize(70);
        }
    }

    @Test
    void should_cancel_a_running_batch_through_cancelling_keeping_what_ran() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.requests-per-second=20",
                "batchline.local.cancelling-delay=500ms")) {
            String id = local.submit(RunningProvider.chatLines(200));
            local.awaitStatus(id, "in_progress");

            JsonNode cancelling = RunningProvider.json(local.post("/batches/" + id + "/cancel", ""));
            assertThat(cancelling.get("status").asText()).isEqualTo("cancelling");
            assertThat(cancelling.get("cancelling_at").isIntegralNumber()).isTrue();

            JsonNode batch = local.awaitStatus(id, "cancelled");
            assertThat(batch.get("cancelled_at").isIntegralNumber()).isTrue();
            int completed = batch.get("request_counts").get("completed").asInt();
            assertThat(completed).isLessThan(200);
            if (completed > 0) {
                assertThat(local.lines(batch.get("output_file_id").asText())).hasSize(completed);
            }
        }
    }

    @Test
    void should_cancel_a_batch_still_validating_without_files() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.hold-status=validating")) {
            String id = local.submit(RunningProvider.chatLines(3));
            local.post("/batches/" + id + "/cancel", "");

            JsonNode batch = local.awaitStatus(id, "cancelled");
            assertThat(batch.get("output_file_id").isNull()).isTrue();
            assertThat(batch.get("error_file_id").isNull()).isTrue();
        }
    }

    @Test
    void should_refuse_to_cancel_a_batch_that_has_ended() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String id = local.submit(RunningProvider.chatLines(2));
            local.awaitStatus(id, "completed");

            var response = local.post("/batches/" + id + "/cancel", "");
            assertThat(response.statusCode()).isEqualTo(409);
            assertThat(RunningProvider.json(response).get("error").get("message").asText()).contains("completed");
        }
    }

    @Test
    void should_keep_a_held_batch_in_its_status_until_released() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.hold-status=in_progress")) {
            String id = local.submit(RunningProvider.chatLines(5));
            local.awaitStatus(id, "in_progress");
            assertThat(local.batch(id).get("request_counts").get("completed").asInt()).isZero();

            local.provider.release();
            assertThat(local.awaitStatus(id, "completed").get("request_counts").get("completed").asInt())
                    .isEqualTo(5);
        }
    }

    private static List<String> customIds(List<JsonNode> lines) {
        return lines.stream().map(line -> line.get("custom_id").asText()).toList();
    }
}
