package dev.batchline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.config.Settings;
import dev.batchline.local.Faults;
import dev.batchline.failure.Waits;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A provider that fails often, loses answers, or is down: the work completes, nothing is lost or paid twice. */
class ProviderFaultsTest {

    /** 20% of the calls to every endpoint fail: 429, 500, 503, slow, dropped, executed with the answer lost. */
    @Nested
    class FrequentFaults extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.rate-429=0.04", "batchline.local.fault.rate-500=0.04",
                    "batchline.local.fault.rate-503=0.04", "batchline.local.fault.rate-slow=0.03",
                    "batchline.local.fault.rate-drop=0.03", "batchline.local.fault.rate-lost-response=0.02",
                    "batchline.local.fault.slow-delay=200ms", "batchline.local.fault.seed=20261122",
                    "batchline.batch.max-requests=50", "batchline.provider.max-retries=3");
        }

        @Test
        void should_account_for_every_record_and_create_every_batch_once() throws Exception {
            for (int source = 1; source <= 5; source++) {
                drop("faulty-" + source + ".jsonl", simpleRecords("f" + source + "-", 60));
            }

            for (int source = 1; source <= 5; source++) {
                JsonNode summary = awaitSummary("faulty-" + source);
                assertThat(summary.path("succeeded").asInt()).as("source %d", source).isEqualTo(60);
                assertThat(customIds(results("faulty-" + source)))
                        .containsExactlyElementsOf(PipelineTest.ids("f" + source + "-", 60));
            }
            Map<String, Long> perKey = providerBatches().stream().collect(Collectors.groupingBy(
                    batch -> batch.path("metadata").path("batchline_key").asText(), Collectors.counting()));
            assertThat(perKey.values()).allMatch(count -> count == 1);
            List<BatchRecord> batches = context.getRegistry().lookupByNameAndType("stateStore", StateStore.class)
                    .inTransaction(c -> Batches.withStatus(c, BatchRecord.PROCESSED));
            assertThat(perKey).hasSize(batches.size());
        }
    }

    /** The provider's batch answers are all lost while the test says so. */
    @Nested
    class LostCreation extends ApplicationTestSupport {

        @Test
        void should_find_a_batch_whose_creation_answer_was_lost_instead_of_creating_it_again() throws Exception {
            StateStore store = context.getRegistry().lookupByNameAndType("stateStore", StateStore.class);
            localProvider().injectFaults(Faults.from(Settings.of(Map.of(
                    "batchline.local.fault.batches.rate-lost-response", "1.0"))));
            drop("once.jsonl", simpleRecords("o", 5));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    store.inTransaction(c -> Batches.withStatus(c, BatchRecord.UPLOADED)).stream()
                            .anyMatch(batch -> batch.createAttemptedAt() != null));
            localProvider().injectFaults(Faults.none());

            assertThat(awaitSummary("once").path("succeeded").asInt()).isEqualTo(5);
            assertThat(providerBatches()).hasSize(1);
        }
    }

    /** Every call to the provider fails with 503 until the test lets it recover. */
    @Nested
    class ProviderDown extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("batchline.local.fault.rate-503=1.0", "batchline.provider.max-retries=1");
        }

        @Test
        void should_wait_while_the_provider_is_down_and_finish_when_it_is_back() throws Exception {
            Waits waits = context.getRegistry().lookupByNameAndType("waits", Waits.class);
            StateStore store = context.getRegistry().lookupByNameAndType("stateStore", StateStore.class);
            drop("patient.jsonl", simpleRecords("p", 10));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED)).stream()
                            .anyMatch(batch -> waits.waiting(Waits.batch(batch.id()))));
            assertThat(outbox.resolve("patient.summary.json")).doesNotExist();

            localProvider().injectFaults(Faults.none());

            JsonNode summary = awaitSummary("patient");
            assertThat(summary.path("succeeded").asInt()).isEqualTo(10);
            assertThat(summary.path("failed").asInt()).isZero();
            List<BatchRecord> processed = store.inTransaction(c -> Batches.withStatus(c, BatchRecord.PROCESSED));
            assertThat(processed).noneMatch(batch -> waits.waiting(Waits.batch(batch.id())));
        }
    }
}
