package dev.batchline.state;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The state store's schema, migrated by Flyway, including a store made before Flyway ran the migrations. */
class StateStoreTest {

    @TempDir
    Path dir;

    @Test
    void should_keep_a_store_migrated_before_flyway_and_its_sources() throws Exception {
        // a store as the hand-written runner left it: the scripts run, and its own schema_version table
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("batchline");
        try (Connection c = DriverManager.getConnection(url, "batchline", ""); Statement s = c.createStatement()) {
            for (String script : new String[] {"V1__batchline.sql", "V2__create_attempts.sql", "V3__failures.sql",
                "V4__streams.sql"}) {
                try (InputStream in = StateStore.class.getClassLoader().getResourceAsStream("db/" + script)) {
                    for (String sql : new String(in.readAllBytes(), StandardCharsets.UTF_8).split(";\\s*(\\r?\\n|$)")) {
                        if (!sql.isBlank()) {
                            s.execute(sql);
                        }
                    }
                }
            }
            s.execute("CREATE TABLE schema_version (version INT NOT NULL)");
            s.execute("INSERT INTO schema_version VALUES (1), (2), (3), (4)");
            s.execute("INSERT INTO source (name, identity, status, created_at) VALUES ('old.jsonl', '1|1|old.jsonl',"
                      + " 'ingesting', 1)");
        }

        StateStore store = new StateStore(dir);
        store.start();
        try {
            Optional<Source> old = store.inTransaction(c -> Sources.findByIdentity(c, "1|1|old.jsonl"));
            assertThat(old).isPresent();
            Source added = store.inTransaction(c -> Sources.create(c, "new.jsonl", "2|2|new.jsonl", "local",
                    Instant.now()));
            assertThat(added.id()).isGreaterThan(1);
            String version = store.inTransaction(c -> {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT MAX(\"version\") FROM \"flyway_schema_history\"")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(version).isEqualTo("5");
        } finally {
            store.stop();
        }
    }
}
