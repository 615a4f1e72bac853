package dev.batchline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.local.LocalProvider;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The provider is changed while batches are in flight, as when a user exports OPENAI_API_KEY: each batch is tracked
 * at the provider that holds it, and only new batches go to the new provider (SPEC section 6).
 */
class ProviderSwitchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home = createHome();
    private final StandaloneProvider other = StandaloneProvider.start(home.resolve("other-provider"));
    private final LogLines log = LogLines.capture();

    private static Path createHome() {
        try {
            return Files.createTempDirectory("batchline-switch-");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        other.close();
        log.close();
        WorkFolder.deleteTree(home);
    }

    @Test
    void should_finish_batches_at_the_provider_that_holds_them_and_send_new_ones_to_the_new_provider()
            throws Exception {
        List<String> atLocal;
        try (RunningApplication app = RunningApplication.start(home, "batchline.provider=local",
                "batchline.local.fault.hold-status=in_progress")) {
            drop("first.jsonl", ApplicationTestSupport.simpleRecords("one-", 5));
            String local = app.bean("localProvider", LocalProvider.class).baseUrl();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    batches(local).stream().anyMatch(batch -> batch.path("status").asText().equals("in_progress")));
            atLocal = batches(local).stream().map(batch -> batch.path("id").asText()).toList();
        }

        // the user points Batchline at another provider and disables the embedded one: the batch in flight waits
        try (RunningApplication app = RunningApplication.start(home, "batchline.provider=" + other.baseUrl(),
                "batchline.local.enabled=false")) {
            drop("second.jsonl", ApplicationTestSupport.simpleRecords("two-", 5));
            JsonNode second = awaitSummary("second");
            assertThat(second.path("succeeded").asInt()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !log.at(Level.WARN, "embedded local provider, which is disabled").isEmpty());
            StateStore store = app.bean("stateStore", StateStore.class);
            List<BatchRecord> waiting = store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SUBMITTED));
            assertThat(waiting).singleElement().satisfies(batch -> assertThat(batch.provider()).isEqualTo("local"));
            assertThat(home.resolve("outbox/first.summary.json")).doesNotExist();
        }

        // with the embedded provider enabled again, the batch finishes where it was created
        try (RunningApplication app = RunningApplication.start(home, "batchline.provider=" + other.baseUrl())) {
            JsonNode first = awaitSummary("first");
            assertThat(first.path("succeeded").asInt()).isEqualTo(5);
            assertThat(first.path("batches")).hasSize(1);
            assertThat(first.path("batches").path(0).asText()).isIn(atLocal);
        }
        JsonNode second = JSON.readTree(home.resolve("outbox/second.summary.json").toFile());
        List<String> atOther = other.batches().stream().map(batch -> batch.path("id").asText()).toList();
        assertThat(atOther).containsExactly(second.path("batches").path(0).asText());
        assertThat(log.at(Level.WARN, "embedded local provider, which is disabled")).hasSize(1);
    }

    private void drop(String name, String content) throws Exception {
        Path staging = Files.createDirectories(home.resolve("staging")).resolve(name);
        Files.writeString(staging, content);
        Files.createDirectories(home.resolve("inbox"));
        Files.move(staging, home.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private JsonNode awaitSummary(String base) throws Exception {
        Path summary = home.resolve("outbox").resolve(base + ".summary.json");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> Files.exists(summary));
        return JSON.readTree(summary.toFile());
    }

    private static List<JsonNode> batches(String baseUrl) throws Exception {
        JsonNode page = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(baseUrl + "/batches?limit=100")).build(), HttpResponse.BodyHandlers.ofString()).body());
        List<JsonNode> batches = new ArrayList<>();
        page.path("data").forEach(batches::add);
        return batches;
    }
}
