package dev.batchline;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code java -jar batchline.jar local-provider --port N}, used end to end by the unmodified OpenAI SDK. */
class LocalProviderCommandIT {

    @TempDir
    Path workingDir;

    @Test
    void should_serve_the_local_provider_alone_to_the_official_sdk() throws Exception {
        try (JarProcess jar = JarProcess.start(workingDir,
                List.of("-Dbatchline.local.validating-delay=100ms", "-Dbatchline.local.finalizing-delay=100ms"),
                "local-provider", "--port", "0")) {
            String baseUrl = jar.awaitLine("Local provider ready at (http://\\S+)");
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("unused")
                    .responseValidation(true).build();
            try {
                Path input = workingDir.resolve("input.jsonl");
                Files.writeString(input, "{\"custom_id\":\"q1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                                         + "\"body\":{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                                         + "\"content\":\"Ping\"}]}}\n");
                FileObject file = client.files().create(FileCreateParams.builder().file(input)
                        .purpose(FilePurpose.BATCH).build());
                Batch batch = client.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                        .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                        .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                        client.batches().retrieve(batch.id()).status().equals(Batch.Status.COMPLETED));
                String outputFileId = client.batches().retrieve(batch.id()).outputFileId().orElseThrow();
                try (HttpResponse content = client.files().content(outputFileId); InputStream body = content.body()) {
                    assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                            .contains("\"custom_id\":\"q1\"").contains("Offline answer to: Ping");
                }
            } finally {
                client.close();
            }
            assertThat(Files.isDirectory(workingDir.resolve("work/local-provider/batches"))).isTrue();
        }
    }
}
