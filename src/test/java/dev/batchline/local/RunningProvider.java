package dev.batchline.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.config.Settings;

import static org.awaitility.Awaitility.await;

/**
 * A local provider started for one test on a free loopback port with its data in a temporary folder, and the raw
 * HTTP calls tests make to it.
 */
final class RunningProvider implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final LocalProvider provider;
    final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey;

    private RunningProvider(Path dataDir, Map<String, String> properties) {
        this.dataDir = dataDir;
        Map<String, String> all = new HashMap<>();
        all.put("batchline.local.port", "0");
        all.put("batchline.local.data-dir", dataDir.toString());
        all.put("batchline.local.validating-delay", "100ms");
        all.put("batchline.local.finalizing-delay", "100ms");
        all.put("batchline.local.cancelling-delay", "100ms");
        all.put("batchline.local.requests-per-second", "0");
        all.putAll(properties);
        this.apiKey = all.get("batchline.local.api-key");
        this.provider = new LocalProvider(LocalProviderSettings.from(Settings.of(all)));
        provider.start();
    }

    /** Fast timings (100 ms per status, requests at full speed) unless {@code properties} say otherwise. */
    static RunningProvider start(Path dataDir, String... properties) {
        Map<String, String> map = new HashMap<>();
        for (String property : properties) {
            int equals = property.indexOf('=');
            map.put(property.substring(0, equals), property.substring(equals + 1));
        }
        return new RunningProvider(dataDir, map);
    }

    String baseUrl() {
        return provider.baseUrl();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> upload(String filename, String content, String purpose)
            throws IOException, InterruptedException {
        String boundary = "----test" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose
                      + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                      + filename + "\"\r\nContent-Type: application/jsonl\r\n\r\n" + content + "\r\n--" + boundary
                      + "--\r\n";
        return send(request("/files").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** Uploads the lines as a batch input file and returns its id. */
    String uploadBatchInput(String content) throws IOException, InterruptedException {
        HttpResponse<String> response = upload("input.jsonl", content, "batch");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Upload failed: " + response.body());
        }
        return json(response).get("id").asText();
    }

    JsonNode createBatch(String inputFileId, String endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = post("/batches", "{\"input_file_id\":\"" + inputFileId + "\",\"endpoint\":\""
                                                         + endpoint + "\",\"completion_window\":\"24h\"}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Batch creation failed: " + response.body());
        }
        return json(response);
    }

    /** Uploads the lines and creates a chat-completions batch; returns the batch id. */
    String submit(String lines) throws IOException, InterruptedException {
        return createBatch(uploadBatchInput(lines), "/v1/chat/completions").get("id").asText();
    }

    JsonNode batch(String id) throws IOException, InterruptedException {
        return json(get("/batches/" + id));
    }

    JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
            last[0] = batch(id);
            return status.equals(last[0].get("status").asText());
        });
        return last[0];
    }

    /** The lines of a stored file, parsed. */
    List<JsonNode> lines(String fileId) throws IOException, InterruptedException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : get("/files/" + fileId + "/content").body().split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** Chat-completion batch lines {@code r1..rN} asking "prompt i". */
    static String chatLines(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            lines.append(chatLine("r" + i, "prompt " + i)).append('\n');
        }
        return lines.toString();
    }

    static String chatLine(String customId, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
               + "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}}";
    }

    @Override
    public void close() {
        provider.stop();
    }
}
