package dev.batchline.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Service;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batchline's state, reached through JDBC from a pool: by default an embedded H2 database file under the work
 * folder, or the database of {@code batchline.store.url} (PostgreSQL, for instances that share the work). Its
 * schema is created and migrated at start by Flyway from the scripts in {@code db/} on the class path, the same
 * scripts for both databases (and Quartz's tables on PostgreSQL); Flyway's lock makes that safe when several
 * instances start at once. A state change
 * is committed once {@link #transaction} returns: handed to the operating system, so it survives the process
 * (kill -9); H2 does not force each commit to the disk, so a power loss may lose the last ones (PostgreSQL forces
 * them, by its own settings).
 */
public final class StateStore implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    /** Work done in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException, IOException;
    }

    private final Path dir;
    private final String url;
    private final String user;
    private final String password;
    private volatile HikariDataSource pool;

    /** The embedded H2 database in the folder. */
    public StateStore(Path dir) {
        this(dir, null, null, null);
    }

    /** The database at the JDBC URL, or, when it is null or blank, the embedded H2 database in the folder. */
    public StateStore(Path dir, String url, String user, String password) {
        this.dir = dir;
        this.url = url == null || url.isBlank() ? null : url.trim();
        this.user = user;
        this.password = password;
    }

    /** Whether this is the embedded database (one instance per work folder) rather than a shared one. */
    public boolean embedded() {
        return url == null;
    }

    @Override
    public synchronized void start() {
        if (pool != null) {
            return;
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("batchline-store");
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        if (embedded()) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the state folder " + dir.toAbsolutePath(), e);
            }
            config.setJdbcUrl("jdbc:h2:file:" + dir.toAbsolutePath().resolve("batchline")
                              + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=30000");
            config.setUsername("batchline");
            config.setPassword("");
        } else {
            config.setJdbcUrl(url);
            config.setUsername(user);
            config.setPassword(password);
        }
        config.setInitializationFailTimeout(-1); // the failure of the first connection is reported below, with why
        HikariDataSource opened = new HikariDataSource(config);
        try {
            migrate(opened, embedded());
        } catch (SQLException | FlywayException e) {
            opened.close();
            String where = embedded() ? dir.toAbsolutePath().toString() : config.getJdbcUrl();
            if (String.valueOf(e.getMessage()).contains("already in use")) {
                throw new IllegalStateException("The state store in " + where + " is in use by another process: run"
                                                + " one Batchline per work folder (batchline.work), or share a"
                                                + " PostgreSQL store (batchline.store.url)", e);
            }
            throw new IllegalStateException("Cannot open the state store at " + where + ": " + e.getMessage(), e);
        }
        pool = opened;
        LOG.info("State store ready: {}", embedded() ? dir.toAbsolutePath() : config.getJdbcUrl());
    }

    /**
     * Migrates the schema with Flyway. A store made before Flyway (its own {@code schema_version} table) is taken
     * as it stands, at the version it reached.
     */
    private static void migrate(HikariDataSource dataSource, boolean embedded) throws SQLException {
        int before = versionBeforeFlyway(dataSource);
        Flyway.configure(StateStore.class.getClassLoader())
                .dataSource(dataSource)
                // a shared store also holds Quartz's clustered job store, whose tables are PostgreSQL's own
                .locations(embedded ? new String[] {"classpath:db"}
                        : new String[] {"classpath:db", "classpath:db-postgresql"})
                .baselineOnMigrate(before > 0)
                .baselineVersion(Integer.toString(Math.max(before, 1)))
                .baselineDescription("migrated before Flyway")
                .load()
                .migrate();
    }

    private static int versionBeforeFlyway(HikariDataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            boolean legacy = false;
            boolean flyway = false;
            while (tables.next()) {
                String name = tables.getString("TABLE_NAME");
                legacy |= name.equalsIgnoreCase("schema_version");
                flyway |= name.equalsIgnoreCase("flyway_schema_history");
            }
            if (!legacy || flyway) {
                return 0;
            }
            try (Statement statement = connection.createStatement();
                 ResultSet version = statement.executeQuery("SELECT MAX(version) FROM schema_version")) {
                return version.next() ? version.getInt(1) : 0;
            } finally {
                connection.rollback();
            }
        }
    }

    /** Closes the pool's connections; H2 closes the database cleanly when its last connection closes. */
    @Override
    public synchronized void stop() {
        if (pool != null) {
            if (pool.getHikariPoolMXBean() != null && pool.getHikariPoolMXBean().getActiveConnections() > 0) {
                LOG.warn("State store stopping with {} connections still in use",
                        pool.getHikariPoolMXBean().getActiveConnections());
            }
            pool.close();
            pool = null;
        }
    }

    /** The JDBC URL, user and password of a shared store (Quartz opens its own connections to it). */
    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
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
