package dev.batchline.local;

import java.net.http.HttpRequest;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyTest {

    private static final String KEY = "sk-local-test-key-4711";

    @TempDir
    Path dataDir;

    @Test
    void should_refuse_requests_without_the_configured_key() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.api-key=" + KEY)) {
            assertThat(local.get("/batches").statusCode()).isEqualTo(200);

            var missing = local.send(HttpRequest.newBuilder(java.net.URI.create(local.baseUrl() + "/batches")));
            ApiResponsesTest.assertError(missing, 401, "invalid_request_error", null);

            var wrong = local.send(HttpRequest.newBuilder(java.net.URI.create(local.baseUrl() + "/files"))
                    .header("Authorization", "Bearer sk-wrong-key"));
            ApiResponsesTest.assertError(wrong, 401, "invalid_request_error", null);
            assertThat(RunningProvider.json(wrong).get("error").get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(wrong.body()).doesNotContain("sk-wrong-key").doesNotContain(KEY);
        }
    }
}
