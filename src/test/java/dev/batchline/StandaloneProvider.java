package dev.batchline;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.config.Settings;
import dev.batchline.local.Faults;
import dev.batchline.local.LocalProvider;
import dev.batchline.local.LocalProviderSettings;
import dev.batchline.work.WorkFolder;

/**
 * A local provider running on its own, as users run one with {@code java -jar batchline.jar local-provider}, for a
 * Batchline under test to be pointed at by its base URL: on a free loopback port, with fast timings, its data in a
 * folder of the test's. It can be restarted on the same port with other settings, or wiped.
 */
final class StandaloneProvider implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final Map<String, String> settings = new HashMap<>();
    private LocalProvider provider;

    private StandaloneProvider(Path dataDir, String... properties) {
        this.dataDir = dataDir;
        settings.put("batchline.local.port", "0");
        settings.put("batchline.local.data-dir", dataDir.toString());
        settings.put("batchline.local.validating-delay", "100ms");
        settings.put("batchline.local.finalizing-delay", "100ms");
        settings.put("batchline.local.cancelling-delay", "100ms");
        settings.put("batchline.local.requests-per-second", "0");
        put(properties);
        start();
    }

    /** Starts one with fast timings, and the given {@code key=value} settings. */
    static StandaloneProvider start(Path dataDir, String... properties) {
        return new StandaloneProvider(dataDir, properties);
    }

    private void put(String... properties) {
        for (String property : properties) {
            int equals = property.indexOf('=');
            settings.put(property.substring(0, equals), property.substring(equals + 1));
        }
    }

    private void start() {
        provider = new LocalProvider(LocalProviderSettings.from(Settings.of(settings)));
        provider.start();
        settings.put("batchline.local.port", Integer.toString(provider.port()));
    }

    String baseUrl() {
        return provider.baseUrl();
    }

    /** The provider itself, to inject faults into or to read its records. */
    LocalProvider local() {
        return provider;
    }

    /** Stops it and starts it again on the same port, with its data, and these settings changed. */
    void restart(String... properties) {
        provider.stop();
        put(properties);
        start();
    }

    /** Stops it, deletes everything it held, and starts it again on the same port: a provider that lost its data. */
    void wipe(String... properties) throws Exception {
        provider.stop();
        WorkFolder.deleteTree(dataDir);
        put(properties);
        start();
    }

    /** Every batch it holds, newest first. */
    List<JsonNode> batches() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<JsonNode> batches = new ArrayList<>();
        String after = null;
        while (true) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/batches?limit=100"
                                                                             + (after == null ? "" : "&after=" + after)));
            String key = settings.get("batchline.local.api-key");
            if (key != null && !key.isEmpty()) {
                request.header("Authorization", "Bearer " + key);
            }
            JsonNode page = JSON.readTree(http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
            page.path("data").forEach(batches::add);
            if (!page.path("has_more").asBoolean()) {
                return batches;
            }
            after = page.path("last_id").asText();
        }
    }

    /** What an audit of the provider's records found: batches, batches created twice, requests answered twice. */
    record Audit(int batches, int doubleCreated, int doubleAnswered) {
    }

    /**
     * Reads every batch and output file, past any injected faults: how often each idempotency key was created, and how
     * often each record was answered (Batchline's custom_id {@code <source>-<ordinal>-<attempt>}: the same record
     * answered in two attempts is paid twice).
     */
    Audit audit() throws Exception {
        provider.injectFaults(Faults.none());
        HttpClient http = HttpClient.newHttpClient();
        Map<String, Integer> byKey = new HashMap<>();
        Map<String, Integer> answered = new HashMap<>();
        List<JsonNode> batches = batches();
        for (JsonNode batch : batches) {
            byKey.merge(batch.path("metadata").path("batchline_key").asText(), 1, Integer::sum);
            if (!batch.path("output_file_id").isNull()) {
                try (InputStream content = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/files/"
                                + batch.path("output_file_id").asText() + "/content")).build(),
                        HttpResponse.BodyHandlers.ofInputStream()).body()) {
                    for (String line : new String(content.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank()) {
                            String customId = JSON.readTree(line).path("custom_id").asText();
                            answered.merge(customId.substring(0, customId.lastIndexOf('-')), 1, Integer::sum);
                        }
                    }
                }
            }
        }
        int doubleCreated = (int) byKey.values().stream().filter(count -> count > 1).count();
        int doubleAnswered = (int) answered.values().stream().filter(count -> count > 1).count();
        return new Audit(batches.size(), doubleCreated, doubleAnswered);
    }

    @Override
    public void close() {
        provider.stop();
    }
}
