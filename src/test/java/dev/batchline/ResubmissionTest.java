package dev.batchline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Batches that do not complete: their unanswered records are resubmitted, then reported with the reason. */
class ResubmissionTest {

    /** The provider expires every batch after 60 requests. */
    @Nested
    class ExpiredBatch extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.expire-after-requests=60");
        }

        @Test
        void should_resubmit_the_records_an_expired_batch_did_not_run() throws Exception {
            drop("late.jsonl", simpleRecords("l", 100));

            JsonNode summary = awaitSummary("late");

            assertThat(summary.path("succeeded").asInt()).isEqualTo(100);
            assertThat(summary.path("retried").asInt()).isEqualTo(40);
            assertThat(summary.path("batches")).hasSize(2);
            List<JsonNode> results = results("late");
            assertThat(customIds(results)).containsExactlyElementsOf(PipelineTest.ids("l", 100));
            assertThat(results).allSatisfy(line -> assertThat(line.path("error").isNull()).isTrue());
        }
    }

    /** The provider expires every batch after 30 requests, and a record gets two attempts. */
    @Nested
    class ExpiredTooOften extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.expire-after-requests=30", "batchline.batch.max-attempts=2");
        }

        @Test
        void should_report_records_as_expired_after_the_last_attempt() throws Exception {
            drop("slow.jsonl", simpleRecords("s", 100));

            JsonNode summary = awaitSummary("slow");

            assertThat(summary.path("succeeded").asInt()).isEqualTo(60);
            assertThat(summary.path("failed").asInt()).isEqualTo(40);
            assertThat(summary.path("expired").asInt()).isEqualTo(40);
            assertThat(errors("slow")).hasSize(40).allSatisfy(error -> {
                assertThat(error.path("code").asText()).isEqualTo("batch_expired");
                assertThat(error.path("line").asInt()).isBetween(1, 100);
            });
            List<JsonNode> results = results("slow");
            assertThat(customIds(results)).containsExactlyElementsOf(PipelineTest.ids("s", 100));
            assertThat(results.stream().filter(line -> !line.path("error").isNull()))
                    .allSatisfy(line -> assertThat(line.path("error").path("code").asText())
                            .isEqualTo("batch_expired"));
        }
    }

    /** Batches stop in in_progress until the test lets them go. */
    @Nested
    class CancelledBatch extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.hold-status=in_progress");
        }

        @Test
        void should_resubmit_the_records_of_a_cancelled_batch() throws Exception {
            drop("stopped.jsonl", simpleRecords("c", 20));
            HttpClient http = HttpClient.newHttpClient();
            String base = localProvider().baseUrl();
            String[] running = new String[1];
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                JsonNode batches = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/batches"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode batch : batches.path("data")) {
                    if (batch.path("status").asText().equals("in_progress")) {
                        running[0] = batch.path("id").asText();
                    }
                }
                return running[0] != null;
            });

            http.send(HttpRequest.newBuilder(URI.create(base + "/batches/" + running[0] + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            // the resubmission is the newest batch at the provider
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    !JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/batches?limit=1")).build(),
                            HttpResponse.BodyHandlers.ofString()).body()).path("data").path(0).path("id").asText()
                            .equals(running[0]));
            localProvider().release();

            JsonNode summary = awaitSummary("stopped");
            assertThat(summary.path("succeeded").asInt()).isEqualTo(20);
            assertThat(summary.path("retried").asInt()).isEqualTo(20);
            assertThat(summary.path("batches")).hasSize(2);
            assertThat(summary.path("batches").path(0).asText()).isEqualTo(running[0]);
        }
    }

    /** The provider takes at most 3 requests per batch file, fewer than Batchline puts in one. */
    @Nested
    class TooManyTasks extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.max-requests-per-batch=3");
        }

        @Test
        void should_split_a_batch_that_failed_with_too_many_tasks_until_the_halves_fit() throws Exception {
            drop("seven.jsonl", simpleRecords("f", 7));

            JsonNode summary = awaitSummary("seven");

            assertThat(summary.path("succeeded").asInt()).isEqualTo(7);
            assertThat(summary.path("failed").asInt()).isZero();
            assertThat(summary.path("retried").asInt()).isZero();
            // 7 refused, then 4 (refused) and 3, then 2 and 2
            assertThat(summary.path("batches")).hasSize(5);
            assertThat(errors("seven")).isEmpty();
            assertThat(customIds(results("seven"))).containsExactlyElementsOf(PipelineTest.ids("f", 7));
        }
    }
}
