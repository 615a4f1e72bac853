package dev.batchline.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.config.Settings;
import dev.batchline.local.LocalProvider;
import dev.batchline.local.LocalProviderSettings;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * The polling benchmark: {@code n} batches in flight at a local provider (held in {@code in_progress}), known to
 * Batchline's state store, and one poll of them all, counting the provider calls it takes and its duration.
 * {@code PollRun <batches>}.
 */
public final class PollRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PollRun() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Path home = Files.createTempDirectory("batchline-poll-");
        Map<String, String> settings = new HashMap<>();
        settings.put("batchline.local.port", "0");
        settings.put("batchline.local.data-dir", home.resolve("provider").toString());
        settings.put("batchline.local.fault.hold-status", "in_progress");
        settings.put("batchline.local.validating-delay", "0ms");
        settings.put("batchline.local.max-batches-per-hour", "1000000");
        LocalProvider provider = new LocalProvider(LocalProviderSettings.from(Settings.of(settings)));
        provider.start();
        List<String> batchIds = createBatches(provider.baseUrl(), count);

        Main main = BenchApplication.start(provider.baseUrl(), home, Map.of("batchline.poll.interval", "3600000"));
        StateStore store = main.getCamelContext().getRegistry().lookupByNameAndType("stateStore", StateStore.class);
        store.inTransaction(c -> {
            for (String batchId : batchIds) {
                BatchRecord batch = Batches.open(c, "local", provider.baseUrl(), "/v1/chat/completions", "gpt-4o-mini",
                        Instant.now());
                Batches.recordSubmission(c, batch.id(), batchId, "validating", Instant.now());
            }
            return null;
        });
        // one poll cycle as the Quartz route runs it: the provider's batches listed, then each tracked on its own
        ProducerTemplate poll = main.getCamelContext().createProducerTemplate();
        poll.sendBody("direct:poll-provider", provider.baseUrl());
        long callsBefore = provider.requestsServed();
        long started = System.nanoTime();
        poll.sendBody("direct:poll-provider", provider.baseUrl());
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        long calls = provider.requestsServed() - callsBefore;
        System.out.println("batches=" + count + " calls=" + calls + " ms=" + elapsed);
        main.stop();
        provider.stop();
        WorkFolder.deleteTree(home);
        System.exit(0);
    }

    private static List<String> createBatches(String baseUrl, int count) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String boundary = UUID.randomUUID().toString();
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--"
                      + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n"
                      + "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
                      + "\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}\n\r\n--" + boundary
                      + "--\r\n";
        String fileId = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("id").asText();
        String create = "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                        + "\"completion_window\":\"24h\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<String>> created = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            created.add(pool.submit(() -> JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(baseUrl
                    + "/batches")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(create)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("id").asText()));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> id : created) {
            ids.add(id.get());
        }
        pool.shutdown();
        return ids;
    }
}
