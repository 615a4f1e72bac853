package dev.batchline.local;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import dev.batchline.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faults injected by configuration, per endpoint group, so clients can be tested against a failing provider. */
class FaultInjectionTest {

    private static final String CHAT =
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dataDir;

    @Test
    void should_answer_429_with_retry_after_on_the_faulty_group_only() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.chat.rate-429=1.0",
                "batchline.local.fault.retry-after=3")) {
            HttpResponse<String> response = local.post("/chat/completions", CHAT);

            ApiResponsesTest.assertError(response, 429, "requests", null);
            assertThat(RunningProvider.json(response).get("error").get("code").asText())
                    .isEqualTo("rate_limit_exceeded");
            assertThat(response.headers().firstValue("retry-after")).hasValue("3");
            assertThat(response.headers().firstValue("retry-after-ms")).hasValue("3000");
            assertThat(local.get("/files").statusCode()).isEqualTo(200);
            assertThat(local.post("/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}")
                    .statusCode()).isEqualTo(200);
        }
    }

    @Test
    void should_answer_500_and_503_at_the_configured_rates() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.batches.rate-500=1.0")) {
            ApiResponsesTest.assertError(local.get("/batches"), 500, "server_error", null);
        }
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.rate-503=1.0")) {
            ApiResponsesTest.assertError(local.get("/files"), 503, "server_error", null);
        }
    }

    @Test
    void should_mix_faults_by_their_rates() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.rate-500=0.5",
                "batchline.local.fault.seed=42")) {
            int failures = 0;
            for (int i = 0; i < 200; i++) {
                failures += local.get("/batches").statusCode() == 500 ? 1 : 0;
            }
            assertThat(failures).isBetween(60, 140);
        }
    }

    @Test
    void should_answer_slowly_after_the_slow_delay() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.fault.files.rate-slow=1.0",
                "batchline.local.fault.slow-delay=300ms")) {
            HttpResponse<String> response = local.get("/files");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(Long.parseLong(response.headers().firstValue("openai-processing-ms").orElseThrow()))
                    .isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void should_drop_the_connection_without_executing_the_request() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String input = local.uploadBatchInput(RunningProvider.chatLines(1));
            local.provider.injectFaults(faults("batchline.local.fault.batches.rate-drop", "1.0"));

            assertThatThrownBy(() -> local.createBatch(input, "/v1/chat/completions")).isInstanceOf(IOException.class);

            local.provider.injectFaults(Faults.none());
            assertThat(RunningProvider.json(local.get("/batches")).get("data")).isEmpty();
        }
    }

    @Test
    void should_execute_the_request_and_then_lose_the_response() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String input = local.uploadBatchInput(RunningProvider.chatLines(1));
            local.provider.injectFaults(faults("batchline.local.fault.batches.rate-lost-response", "1.0"));

            assertThatThrownBy(() -> local.createBatch(input, "/v1/chat/completions")).isInstanceOf(IOException.class);

            local.provider.injectFaults(Faults.none());
            assertThat(RunningProvider.json(local.get("/batches")).get("data")).hasSize(1);
        }
    }

    @Test
    void should_cut_a_download_off_halfway_and_serve_the_rest_by_range() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            String content = RunningProvider.chatLines(50);
            String id = local.uploadBatchInput(content);
            local.provider.injectFaults(faults("batchline.local.fault.content.rate-drop", "1.0"));

            assertThatThrownBy(() -> local.get("/files/" + id + "/content")).isInstanceOf(IOException.class);

            local.provider.injectFaults(Faults.none());
            HttpResponse<String> rest = local.send(local.request("/files/" + id + "/content")
                    .header("Range", "bytes=100-"));
            assertThat(rest.statusCode()).isEqualTo(206);
            assertThat(rest.headers().firstValue("content-range"))
                    .hasValue("bytes 100-" + (content.length() - 1) + "/" + content.length());
            assertThat(rest.body()).isEqualTo(content.substring(100));
        }
    }

    @Test
    void should_reject_rates_that_add_up_to_more_than_one() {
        assertThatThrownBy(() -> RunningProvider.start(dataDir, "batchline.local.fault.rate-429=0.6",
                "batchline.local.fault.rate-500=0.6"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not exceed 1.0");
    }

    private static Faults faults(String key, String value) {
        return Faults.from(Settings.of(Map.of(key, value)));
    }
}
