package dev.batchline.state;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.apache.camel.Service;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batchline's state: an embedded H2 database file under the work folder, reached through JDBC. Its schema is created
 * and migrated at start from the numbered scripts in {@code db/} on the class path. Every commit is written to disk
 * before it returns, so a state change is durable once {@link #transaction} returns.
 */
public final class StateStore implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final String[] MIGRATIONS = {"V1__batchline.sql", "V2__create_attempts.sql",
        "V3__failures.sql", "V4__streams.sql"};

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException, IOException;
    }

    private final Path dir;
    private JdbcConnectionPool pool;

    public StateStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public synchronized void start() {
        if (pool != null) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the state folder " + dir.toAbsolutePath(), e);
        }
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("batchline")
                     + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=30000";
        pool = JdbcConnectionPool.create(url, "batchline", "");
        pool.setMaxConnections(16);
        try {
            migrate();
        } catch (SQLException e) {
            pool.dispose();
            pool = null;
            if (e.getMessage() != null && e.getMessage().contains("already in use")) {
                throw new IllegalStateException("The state store in " + dir.toAbsolutePath() + " is in use by another"
                                                + " process: run one Batchline per work folder (batchline.work)", e);
            }
            throw new IllegalStateException("Cannot open the state store in " + dir.toAbsolutePath(), e);
        }
        LOG.info("State store ready in {}", dir.toAbsolutePath());
    }

    /**
     * Closes the pool's connections; H2 closes the database cleanly when its last connection closes. (A SHUTDOWN
     * statement would close it under the pooled connection, whose close then fails and leaves a trace file.)
     */
    @Override
    public synchronized void stop() {
        if (pool != null) {
            if (pool.getActiveConnections() > 0) {
                LOG.warn("State store stopping with {} connections still in use", pool.getActiveConnections());
            }
            pool.dispose();
            pool = null;
        }
    }

    private void migrate() throws SQLException {
        transaction(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
                int current = 0;
                try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
                    if (rs.next()) {
                        current = rs.getInt(1);
                    }
                }
                for (int version = current + 1; version <= MIGRATIONS.length; version++) {
                    String script = MIGRATIONS[version - 1];
                    LOG.info("Migrating the state store to version {} ({})", version, script);
                    for (String sql : script(script).split(";\\s*(\\r?\\n|$)")) {
                        if (!sql.isBlank()) {
                            statement.execute(sql);
                        }
                    }
                    statement.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
                }
            }
            return null;
        });
    }

    private static String script(String name) {
        try (InputStream in = StateStore.class.getClassLoader().getResourceAsStream("db/" + name)) {
            if (in == null) {
                throw new IllegalStateException("Missing migration script db/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Work<T> work) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.apply(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } catch (IOException e) {
                connection.rollback();
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Like {@link #transaction} for callers that treat a database failure as fatal to the operation. */
    public <T> T inTransaction(Work<T> work) {
        try {
            return transaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("State store: " + e.getMessage(), e);
        }
    }
}
