package dev.batchline.local;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.ChatModel;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The official OpenAI Java SDK, unmodified and validating every response, pointed at the local provider. */
class OpenAiSdkTest {

    private static final String KEY = "sk-sdk-test";

    @TempDir
    Path dataDir;

    private RunningProvider local;
    private OpenAIClient client;

    @BeforeEach
    void start() {
        local = RunningProvider.start(dataDir, "batchline.local.api-key=" + KEY);
        client = OpenAIOkHttpClient.builder()
                .baseUrl(local.baseUrl())
                .apiKey(KEY)
                .responseValidation(true)
                .maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        local.close();
    }

    @Test
    void should_upload_create_poll_list_and_download_a_batch() throws Exception {
        Path input = dataDir.resolve("requests.jsonl");
        Files.writeString(input, RunningProvider.chatLines(20));

        FileObject file = client.files().create(FileCreateParams.builder()
                .file(input).purpose(FilePurpose.BATCH).build());
        assertThat(file.bytes()).isEqualTo(Files.size(input));
        assertThat(file.filename()).isEqualTo("requests.jsonl");

        Batch created = client.batches().create(BatchCreateParams.builder()
                .inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .metadata(BatchCreateParams.Metadata.builder().putProperty("job", "sdk-test").build())
                .build());
        assertThat(created.status()).isEqualTo(Batch.Status.VALIDATING);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> client.batches().retrieve(created.id()).status().equals(Batch.Status.COMPLETED));
        Batch done = client.batches().retrieve(created.id());
        assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(20);
        assertThat(done.metadata().orElseThrow()._additionalProperties().get("job").asStringOrThrow())
                .isEqualTo("sdk-test");

        List<String> listed = new ArrayList<>();
        client.batches().list(BatchListParams.builder().limit(1).build()).autoPager()
                .forEach(batch -> listed.add(batch.id()));
        assertThat(listed).containsExactly(created.id());

        try (HttpResponse content = client.files().content(done.outputFileId().orElseThrow());
             InputStream body = content.body()) {
            String output = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output.lines()).hasSize(20).allMatch(line -> line.contains("Offline answer to: prompt"));
        }
        assertThat(client.files().retrieve(done.outputFileId().orElseThrow()).purpose())
                .isEqualTo(FileObject.Purpose.BATCH_OUTPUT);
    }

    @Test
    void should_cancel_a_batch() throws Exception {
        local.provider.hold("in_progress");
        FileObject file = client.files().create(FileCreateParams.builder()
                .file(MultipartField.<InputStream>builder()
                        .value(new ByteArrayInputStream(RunningProvider.chatLines(5).getBytes(StandardCharsets.UTF_8)))
                        .filename("streamed.jsonl").build())
                .purpose(FilePurpose.BATCH).build());
        Batch batch = client.batches().create(BatchCreateParams.builder()
                .inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H)
                .build());

        assertThat(client.batches().cancel(batch.id()).status()).isEqualTo(Batch.Status.CANCELLING);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> client.batches().retrieve(batch.id()).status().equals(Batch.Status.CANCELLED));
    }

    @Test
    void should_answer_chat_completions() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(ChatModel.GPT_4O_MINI)
                .addUserMessage("Hello from the SDK")
                .build());

        assertThat(completion.choices().get(0).message().content()).hasValue("Offline answer to: Hello from the SDK");
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
    }

    @Test
    void should_map_errors_to_the_sdk_exceptions() {
        assertThatThrownBy(() -> client.batches().retrieve("batch_missing")).isInstanceOf(NotFoundException.class);
        OpenAIClient wrongKey = OpenAIOkHttpClient.builder().baseUrl(local.baseUrl()).apiKey("sk-wrong")
                .maxRetries(0).build();
        try {
            assertThatThrownBy(() -> wrongKey.batches().list()).isInstanceOf(UnauthorizedException.class);
        } finally {
            wrongKey.close();
        }
    }
}
