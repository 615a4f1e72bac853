package dev.batchline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.batchline.config.Settings;
import dev.batchline.local.LocalProvider;
import dev.batchline.local.LocalProviderSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An API key never reaches logs, outbox files, work files or HTTP answers: the packaged application runs a
 * workload, with failures and retries, against a provider that requires a recognisable fake key, and everything
 * it wrote is searched for the key.
 */
class SecretsIT {

    private static final String KEY = "sk-batchline-FAKE-KEY-7Q2xV9mZ";

    @TempDir
    Path workingDir;

    @TempDir
    Path providerDir;

    @Test
    void should_never_write_the_api_key_anywhere() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("batchline.local.port", "0");
        settings.put("batchline.local.data-dir", providerDir.toString());
        settings.put("batchline.local.api-key", KEY);
        settings.put("batchline.local.validating-delay", "100ms");
        settings.put("batchline.local.finalizing-delay", "100ms");
        settings.put("batchline.local.requests-per-second", "0");
        settings.put("batchline.local.fault.rate-500", "0.2");
        settings.put("batchline.local.fault.content.rate-drop", "0.3");
        settings.put("batchline.local.fault.chat.rate-429", "0.3");
        settings.put("batchline.local.fault.seed", "7");
        LocalProvider provider = new LocalProvider(LocalProviderSettings.from(Settings.of(settings)));
        provider.start();
        List<String> answers = new ArrayList<>();
        try (JarProcess jar = JarProcess.start(workingDir, List.of("-Dbatchline.provider=" + provider.baseUrl(),
                        "-Dbatchline.local.enabled=false", "-Dbatchline.http.port=0", "-Dbatchline.poll.interval=300",
                        "-Dbatchline.batch.check-interval=200", "-Dbatchline.inbox.settle-time=200",
                        "-Dbatchline.inbox.settle-timeout=600",
                        "-Dbatchline.realtime.max-retries=1", "-Dbatchline.retry.initial-delay=10ms"),
                Map.of("OPENAI_API_KEY", KEY))) {
            String port = jar.awaitLine("Vert.x HttpServer started on 127\\.0\\.0\\.1:(\\d+)");
            jar.awaitLine("Apache Camel .* started");
            Files.createDirectories(workingDir.resolve("inbox"));
            Path staged = Files.writeString(workingDir.resolve("secrets.jsonl"), "{\"id\":\"a\",\"prompt\":\"one\"}\n"
                    + "{\"id\":\"b\",\"prompt\":\"two\",\"temperature\":9}\nnot json\n");
            Files.move(staged, workingDir.resolve("inbox/secrets.jsonl"), StandardCopyOption.ATOMIC_MOVE);
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 10; i++) {
                answers.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/realtime"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(i % 2 == 0 ? "{\"messages\":[]}"
                                : "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(workingDir.resolve("outbox/secrets.summary.json")));
            jar.stop();

            assertThat(jar.output()).contains("Delivered source").doesNotContain(KEY);
            assertThat(answers).noneMatch(answer -> answer.contains(KEY));
            assertThat(filesContaining(workingDir)).isEmpty();
            assertThat(filesContaining(providerDir)).isEmpty();
            assertThat(Files.readString(workingDir.resolve("outbox/secrets.errors.jsonl"))).contains("invalid_json");
        } finally {
            provider.stop();
        }
    }

    private static List<Path> filesContaining(Path root) throws IOException {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] content = Files.readAllBytes(file);
                if (indexOf(content, key) >= 0) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] content, byte[] key) {
        outer:
        for (int i = 0; i <= content.length - key.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (content[i + j] != key[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
