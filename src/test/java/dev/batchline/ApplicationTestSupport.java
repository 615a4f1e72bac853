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
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.local.Faults;
import dev.batchline.local.LocalProvider;
import dev.batchline.work.WorkFolder;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import static org.awaitility.Awaitility.await;

/**
 * The real application (its configuration, its routes from {@code routes/}, the embedded local provider on a free
 * port) started for one test in a home folder of its own, with fast timings, and the things a user does with it:
 * drop files into the inbox, wait for the outbox.
 */
public abstract class ApplicationTestSupport extends CamelMainTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final Path home = createHome();
    protected final Path inbox = home.resolve("inbox");
    protected final Path outbox = home.resolve("outbox");
    protected final Path work = home.resolve("work");

    private static Path createHome() {
        try {
            return Files.createTempDirectory("batchline-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Class<?> getMainClass() {
        return Batchline.class;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        Properties properties = new Properties();
        properties.put("batchline.inbox", inbox.toString());
        properties.put("batchline.outbox", outbox.toString());
        properties.put("batchline.work", work.toString());
        properties.put("batchline.provider", "local");
        properties.put("batchline.provider.api-key", "");
        properties.put("batchline.local.port", "0");
        properties.put("batchline.local.validating-delay", "100ms");
        properties.put("batchline.local.finalizing-delay", "100ms");
        properties.put("batchline.local.cancelling-delay", "100ms");
        properties.put("batchline.local.requests-per-second", "0");
        properties.put("batchline.http.port", "0");
        properties.put("batchline.inbox.settle-time", "100");
        properties.put("batchline.inbox.settle-timeout", "300");
        properties.put("batchline.inbox.poll-delay", "100");
        properties.put("batchline.batch.check-interval", "100");
        properties.put("batchline.poll.interval", "200");
        properties.put("batchline.retry.initial-delay", "10ms");
        properties.put("batchline.retry.max-delay", "100ms");
        properties.putAll(properties());
        camelContextConfiguration().withUseOverridePropertiesWithPropertiesComponent(properties);
        return super.createCamelContext();
    }

    /** Properties this test sets on top of the fast defaults. */
    protected Properties properties() {
        return new Properties();
    }

    /** Properties from {@code key=value} pairs. */
    protected static Properties with(String... pairs) {
        Properties properties = new Properties();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            properties.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return properties;
    }

    @Override
    protected void doPostTearDown() throws Exception {
        context.stop(); // before the home goes; Camel's test extension would stop it only after this method
        stopped();
        WorkFolder.deleteTree(home);
    }

    /** After the application stopped, before its home is deleted: stops what the test started besides it. */
    protected void stopped() throws Exception {
    }

    protected <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    protected LocalProvider localProvider() {
        return context.getRegistry().lookupByNameAndType("localProvider", LocalProvider.class);
    }

    /** Every batch the local provider holds, newest first, read past any injected faults. */
    protected List<JsonNode> providerBatches() throws Exception {
        LocalProvider provider = localProvider();
        provider.injectFaults(Faults.none());
        HttpClient http = HttpClient.newHttpClient();
        List<JsonNode> batches = new ArrayList<>();
        String after = null;
        while (true) {
            JsonNode page = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(provider.baseUrl()
                    + "/batches?limit=100" + (after == null ? "" : "&after=" + after))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            page.path("data").forEach(batches::add);
            if (!page.path("has_more").asBoolean()) {
                return batches;
            }
            after = page.path("last_id").asText();
        }
    }

    /** Drops a file into the inbox the safe way: written elsewhere, then moved in. */
    protected void drop(String name, String content) throws IOException {
        drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    protected void drop(String name, byte[] content) throws IOException {
        Path staging = Files.createDirectories(home.resolve("staging")).resolve(name);
        Files.write(staging, content);
        Files.createDirectories(inbox);
        Files.move(staging, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits for a source's summary, which appears last, and returns it. */
    protected JsonNode awaitSummary(String base) throws IOException {
        Path summary = outbox.resolve(base + ".summary.json");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(summary));
        return JSON.readTree(summary.toFile());
    }

    protected List<JsonNode> results(String base) throws IOException {
        return lines(outbox.resolve(base + ".results.jsonl"));
    }

    protected List<JsonNode> errors(String base) throws IOException {
        Path errors = outbox.resolve(base + ".errors.jsonl");
        return Files.exists(errors) ? lines(errors) : List.of();
    }

    protected static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (Stream<String> text = Files.lines(file)) {
            for (String line : (Iterable<String>) text::iterator) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    protected static List<String> customIds(List<JsonNode> lines) {
        return lines.stream().map(line -> line.path("custom_id").asText(null)).toList();
    }

    /** Simple records {@code <prefix>1..<prefix>N} asking "question i". */
    protected static String simpleRecords(String prefix, int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            lines.append("{\"id\":\"").append(prefix).append(i).append("\",\"prompt\":\"question ").append(i)
                    .append("\"}\n");
        }
        return lines.toString();
    }

    /** The answer text of a results line. */
    protected static String answer(JsonNode line) {
        return line.path("response").path("body").path("choices").path(0).path("message").path("content").asText();
    }
}
