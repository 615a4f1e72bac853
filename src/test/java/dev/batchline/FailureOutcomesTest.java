package dev.batchline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each class of failure has its one outcome for the one batch it concerns, and the other batches, sources and
 * files go on (SPEC section 6, docs/reliability.md), over real HTTP.
 */
class FailureOutcomesTest {

    /** A provider (a standalone local provider) whose uploads are limited to 20 KB, less than Batchline's batches. */
    @Nested
    class UploadTooLarge extends ApplicationTestSupport {

        private final StandaloneProvider provider = StandaloneProvider.start(home.resolve("provider"),
                "batchline.local.max-upload-bytes=20KB");

        @Override
        protected Properties properties() {
            return with("batchline.provider=" + provider.baseUrl(), "batchline.local.enabled=false");
        }

        @Override
        protected void stopped() {
            provider.close();
        }

        @Test
        void should_split_a_refused_batch_until_it_fits_and_report_the_one_request_that_never_does() throws Exception {
            StringBuilder big = new StringBuilder(simpleRecords("b", 299));
            // record 300, in the middle of the file: a prompt larger than any upload the provider takes
            big.insert(big.indexOf("{\"id\":\"b150\""), "{\"id\":\"huge\",\"prompt\":\"" + "x".repeat(25_000)
                                                          + "\"}\n");
            drop("big.jsonl", big.toString());
            StateStore store = bean("stateStore", StateStore.class);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED, BatchRecord.UPLOADED,
                            BatchRecord.SUBMITTED)).stream().anyMatch(batch -> batch.splitOf() != null));

            drop("after.jsonl", simpleRecords("a", 10));

            assertThat(awaitSummary("after").path("succeeded").asInt()).isEqualTo(10);
            JsonNode summary = awaitSummary("big");
            assertThat(summary.path("records").asInt()).isEqualTo(300);
            assertThat(summary.path("succeeded").asInt()).isEqualTo(299);
            assertThat(summary.path("failed").asInt()).isEqualTo(1);
            List<JsonNode> results = results("big");
            assertThat(results).hasSize(300);
            assertThat(results.get(149).path("custom_id").asText()).isEqualTo("huge");
            assertThat(results.get(149).path("error").path("code").asText()).isEqualTo("file_too_large");
            assertThat(results.get(150).path("custom_id").asText()).isEqualTo("b150");
            assertThat(results.stream().filter(line -> line.path("response").path("status_code").asInt() == 200))
                    .hasSize(299);
            assertThat(errors("big")).singleElement().satisfies(error -> {
                assertThat(error.path("line").asInt()).isEqualTo(150);
                assertThat(error.path("code").asText()).isEqualTo("file_too_large");
                assertThat(error.path("message").asText()).contains("File is too large");
            });
        }
    }

    /** The provider fails at validation every batch of a model it does not have. */
    @Nested
    class RefusedAtValidation extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.unknown-models=gpt-unknown");
        }

        @Test
        void should_report_the_records_of_a_refused_batch_and_deliver_the_others() throws Exception {
            drop("models.jsonl", "{\"id\":\"k1\",\"prompt\":\"one\"}\n"
                                 + "{\"id\":\"u1\",\"prompt\":\"two\",\"model\":\"gpt-unknown\"}\n"
                                 + "{\"id\":\"k2\",\"prompt\":\"three\"}\n"
                                 + "{\"id\":\"u2\",\"prompt\":\"four\",\"model\":\"gpt-unknown\"}\n");

            JsonNode summary = awaitSummary("models");

            assertThat(summary.path("succeeded").asInt()).isEqualTo(2);
            assertThat(summary.path("failed").asInt()).isEqualTo(2);
            assertThat(summary.path("retried").asInt()).isZero();
            assertThat(customIds(results("models"))).containsExactly("k1", "u1", "k2", "u2");
            assertThat(answer(results("models").get(2))).isEqualTo("Offline answer to: three");
            assertThat(errors("models")).extracting(error -> error.path("line").asInt() + ":"
                                                             + error.path("custom_id").asText() + ":"
                                                             + error.path("code").asText())
                    .containsExactly("2:u1:model_not_found", "4:u2:model_not_found");
            assertThat(errors("models")).allSatisfy(error -> assertThat(error.path("message").asText())
                    .contains("The model 'gpt-unknown' does not exist"));
        }
    }

    /** A provider that wants another API key than Batchline sends, until it is given that key. */
    @Nested
    class KeyRefused extends ApplicationTestSupport {

        private static final String KEY = "sk-batchline-test-key-7741";
        private final StandaloneProvider provider = StandaloneProvider.start(home.resolve("provider"),
                "batchline.local.api-key=sk-another-key");
        private final LogLines log = LogLines.capture();

        @Override
        protected Properties properties() {
            return with("batchline.provider=" + provider.baseUrl(), "batchline.provider.api-key=" + KEY,
                    "batchline.local.enabled=false");
        }

        @Override
        protected void stopped() {
            provider.close();
            log.close();
        }

        @Test
        void should_pause_with_one_error_fail_nothing_and_go_on_once_the_key_is_accepted() throws Exception {
            drop("patient.jsonl", simpleRecords("p", 10));

            StateStore store = bean("stateStore", StateStore.class);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !log.at(Level.ERROR, "refused the API key").isEmpty()
                                 && !store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED)).isEmpty());
            assertThat(outbox.resolve("patient.summary.json")).doesNotExist();

            provider.restart("batchline.local.api-key=" + KEY);

            JsonNode summary = awaitSummary("patient");
            assertThat(summary.path("succeeded").asInt()).isEqualTo(10);
            assertThat(summary.path("failed").asInt()).isZero();
            assertThat(log.at(Level.ERROR, "")).singleElement().asString()
                    .contains(provider.baseUrl()).contains("Check its key");
            assertThat(log.at(Level.INFO, "is accepted again")).hasSize(1);
            assertThat(log.all()).noneMatch(line -> line.contains(KEY));
        }
    }

    /** A provider that holds batches in in_progress, then is wiped and started again empty. */
    @Nested
    class LostBatch extends ApplicationTestSupport {

        private final StandaloneProvider provider = StandaloneProvider.start(home.resolve("provider"),
                "batchline.local.fault.hold-status=in_progress");
        private final LogLines log = LogLines.capture();

        @Override
        protected Properties properties() {
            return with("batchline.provider=" + provider.baseUrl(), "batchline.local.enabled=false",
                    "batchline.batch.lost-after=1s");
        }

        @Override
        protected void stopped() {
            provider.close();
            log.close();
        }

        @Test
        void should_resubmit_the_records_of_a_batch_the_provider_lost_after_the_grace() throws Exception {
            drop("forgotten.jsonl", simpleRecords("f", 20));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    provider.batches().stream().anyMatch(batch -> batch.path("status").asText()
                            .equals("in_progress")));
            String lost = provider.batches().get(0).path("id").asText();

            provider.wipe("batchline.local.fault.hold-status=");

            JsonNode summary = awaitSummary("forgotten");
            assertThat(summary.path("succeeded").asInt()).isEqualTo(20);
            assertThat(summary.path("lost_resubmitted").asInt()).isEqualTo(20);
            assertThat(summary.path("retried").asInt()).isEqualTo(20);
            assertThat(summary.path("batches")).hasSize(2);
            assertThat(summary.path("batches").path(0).asText()).isEqualTo(lost);
            assertThat(customIds(results("forgotten"))).containsExactlyElementsOf(PipelineTest.ids("f", 20));
            assertThat(log.at(Level.WARN, "does not know batch 1")).hasSize(1);
            assertThat(log.at(Level.WARN, "it is lost")).hasSize(1);
        }
    }

    /** A file that keeps growing in the inbox, beside a complete one. */
    @Nested
    class GrowingFile extends ApplicationTestSupport {

        private final LogLines log = LogLines.capture();
        private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

        @Override
        protected Properties properties() {
            // a settle time the writer below never pauses that long for, even on a busy machine
            return with("batchline.inbox.settle-time=1000", "batchline.inbox.settle-timeout=1500",
                    "batchline.inbox.max-settle-wait=2s");
        }

        @Override
        protected void stopped() {
            writer.shutdownNow();
            log.close();
        }

        @Test
        void should_take_the_complete_file_meanwhile_and_the_growing_one_once_it_settles() throws Exception {
            Path growing = Files.createDirectories(inbox).resolve("growing.jsonl");
            AtomicInteger written = new AtomicInteger();
            writer.scheduleWithFixedDelay(() -> append(growing, written), 0, 20, TimeUnit.MILLISECONDS);
            drop("complete.jsonl", simpleRecords("c", 5));

            assertThat(awaitSummary("complete").path("succeeded").asInt()).isEqualTo(5);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !log.at(Level.WARN, "growing.jsonl has been changing").isEmpty());
            assertThat(outbox.resolve("growing.summary.json")).doesNotExist();
            assertThat(growing).exists();

            writer.shutdown();
            assertThat(writer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            JsonNode summary = awaitSummary("growing");
            assertThat(summary.path("records").asInt()).isEqualTo(written.get());
            assertThat(summary.path("succeeded").asInt()).isEqualTo(written.get());
            assertThat(log.at(Level.WARN, "growing.jsonl")).hasSize(1);
        }

        private static void append(Path file, AtomicInteger written) {
            int line = written.get() + 1;
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                out.write(("{\"id\":\"g" + line + "\",\"prompt\":\"line " + line + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
                written.set(line);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
