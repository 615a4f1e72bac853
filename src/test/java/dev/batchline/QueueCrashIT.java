package dev.batchline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.work.WorkFolder;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 while messages flow: the packaged application, with its embedded broker, takes requests from the requests
 * queue and sends results to the results queue while it is killed with SIGKILL at random moments and restarted. A
 * JMS client in this test sends the requests (again, after a kill, those whose send it could not confirm) and reads
 * the results. At the end every request has a result with its correlation id; a result sent twice (allowed: a kill
 * between sending a result and noting it) is counted, at most one per kill; the provider (in this JVM, it survives
 * the kills) created no batch twice and answered no request twice.
 *
 * <p>{@code -Dqueue-crash.kills=N} (default 12) and {@code -Dqueue-crash.seed=N} to replay one.
 */
class QueueCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_ROUND = 60;
    private static final String[] MOMENTS = {"any time", "Sealed batch", "Submitted batch", "Filed the results"};

    /** Kept after the run (under target/), to look into after a failure. */
    private final Path workingDir = Path.of("target", "queue-crash", "app").toAbsolutePath();
    private final Path providerDir = Path.of("target", "queue-crash", "provider").toAbsolutePath();

    private final int port = FreePort.pick();
    /** Requests whose send was confirmed by the broker, by custom_id. */
    private final Set<String> confirmed = new LinkedHashSet<>();
    /** Distinct result messages (by JMSMessageID) per correlation id. */
    private final Map<String, Set<String>> results = new HashMap<>();
    private final List<String> mismatches = new ArrayList<>();

    @Test
    void should_answer_every_request_once_when_killed_while_messages_flow() throws Exception {
        long seed = Long.getLong("queue-crash.seed", System.nanoTime());
        int kills = Integer.getInteger("queue-crash.kills", 12);
        Random random = new Random(seed);
        WorkFolder.deleteTree(workingDir.getParent());
        Files.createDirectories(workingDir);
        System.out.println("Queue crash test seed " + seed + " (replay with -Dqueue-crash.seed=" + seed + ")");
        int next = 1;
        StandaloneProvider provider = StandaloneProvider.start(providerDir, "batchline.local.validating-delay=50ms",
                "batchline.local.finalizing-delay=50ms", "batchline.local.fault.expire-after-requests=40",
                "batchline.local.fault.rate-500=0.02");
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int kill = 1; kill <= kills; kill++) {
                try (JarProcess jar = start(provider)) {
                    jar.awaitLine("Apache Camel .* started");
                    String moment = MOMENTS[random.nextInt(MOMENTS.length)];
                    long delay = moment.equals("any time") ? 300 + random.nextInt(2500) : random.nextInt(100);
                    jar.killAfter(moment, delay, killer);
                    List<String> round = new ArrayList<>();
                    for (int i = 0; i < PER_ROUND; i++) {
                        round.add("r-" + next++);
                    }
                    exchange(jar, round);
                    await().atMost(Duration.ofSeconds(60)).until(() -> !jar.alive());
                    keep(jar, kill);
                }
            }
            try (JarProcess jar = start(provider)) {
                try {
                    jar.awaitLine("Apache Camel .* started");
                    exchange(jar, List.of());
                    jar.stop();
                } finally {
                    keep(jar, kills + 1);
                }
            }

            int requests = next - 1;
            int answered = 0;
            int duplicates = 0;
            for (int i = 1; i <= requests; i++) {
                Set<String> received = results.getOrDefault("corr-" + i, Set.of());
                answered += received.isEmpty() ? 0 : 1;
                duplicates += Math.max(0, received.size() - 1);
            }
            StandaloneProvider.Audit audit = provider.audit();
            String summary = String.format("Queue crash test: seed %d, %d kills, %d requests; answered %d, results"
                                           + " sent twice %d, mismatched %d, provider batches %d, created twice %d,"
                                           + " requests answered twice %d", seed, kills, requests, answered,
                    duplicates, mismatches.size(), audit.batches(), audit.doubleCreated(), audit.doubleAnswered());
            System.out.println(summary);
            Files.writeString(Path.of("target", "queue-crash-test-summary.txt"), summary + "\n");
            assertThat(mismatches).as("results with another request's correlation id").isEmpty();
            assertThat(answered).as("requests with a result").isEqualTo(requests);
            assertThat(duplicates).as("results sent twice (at most one per kill)").isLessThanOrEqualTo(kills);
            assertThat(audit.doubleCreated()).as("batches created twice").isZero();
            assertThat(audit.doubleAnswered()).as("requests answered twice").isZero();
        } finally {
            killer.shutdownNow();
            provider.close();
        }
    }

    /** Keeps the application's output of each run in target/, to read after a failure. */
    private static void keep(JarProcess jar, int run) throws IOException {
        Path log = Path.of("target", "queue-crash-test.log");
        String output = "==== run " + run + "\n" + jar.output() + "\n";
        if (run == 1) {
            Files.writeString(log, output);
        } else {
            Files.writeString(log, output, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /**
     * Sends the requests of this round and every earlier one whose send was not confirmed, then reads results: until
     * the application dies (a round cut by a kill), or, when the round sends nothing new, until every request has its
     * result.
     */
    private void exchange(JarProcess jar, List<String> round) throws Exception {
        Connection connection = connect(jar);
        if (connection == null) {
            return;
        }
        try (connection) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer requests = session.createProducer(session.createQueue("batchline.requests"));
            // results are taken in transactions, as a careful consumer does: a result is noted before it is
            // acknowledged, so a kill while acknowledging redelivers it (same JMSMessageID) instead of losing it
            Session resultSession = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer replies = resultSession.createConsumer(resultSession.createQueue("batchline.results"));
            for (String id : unconfirmed(round)) {
                TextMessage message = session.createTextMessage("{\"id\":\"" + id + "\",\"prompt\":\"request " + id
                                                                + "\"}");
                message.setJMSCorrelationID("corr-" + id.substring(2));
                requests.send(message);
                confirmed.add(id);
            }
            long quietSince = System.nanoTime();
            while (jar.alive()) {
                TextMessage result = (TextMessage) replies.receive(200);
                if (result != null) {
                    record(result);
                    resultSession.commit();
                    quietSince = System.nanoTime();
                } else if (round.isEmpty() && allAnswered()) {
                    return;
                } else if (round.isEmpty() && System.nanoTime() - quietSince > TimeUnit.MINUTES.toNanos(2)) {
                    throw new AssertionError("No result for 2 minutes; missing: " + missing());
                }
            }
        } catch (JMSException e) {
            // the application was killed under the client
        }
    }

    /** The highest request number handed to a round so far. */
    private int highest;

    private List<String> unconfirmed(List<String> round) {
        for (String id : round) {
            highest = Math.max(highest, Integer.parseInt(id.substring(2)));
        }
        List<String> pending = new ArrayList<>();
        for (int i = 1; i <= highest; i++) {
            if (!confirmed.contains("r-" + i)) {
                pending.add("r-" + i);
            }
        }
        return pending;
    }

    private void record(TextMessage result) throws Exception {
        String correlation = result.getJMSCorrelationID();
        JsonNode line = JSON.readTree(result.getText());
        String customId = line.path("custom_id").asText();
        if (correlation == null || !correlation.equals("corr-" + customId.substring(2))
            || !customId.equals(result.getStringProperty(Headers.CUSTOM_ID))) {
            mismatches.add(correlation + " / " + customId);
        }
        results.computeIfAbsent(correlation, c -> new HashSet<>()).add(result.getJMSMessageID());
    }

    private boolean allAnswered() {
        return missing().isEmpty();
    }

    private List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (int i = 1; i <= highest; i++) {
            if (!results.containsKey("corr-" + i)) {
                missing.add("r-" + i);
            }
        }
        return missing;
    }

    /** A connection to the application's broker once it listens, or null when the application died first. */
    private Connection connect(JarProcess jar) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
        while (jar.alive()) {
            try {
                Connection connection = factory.createConnection();
                connection.start();
                return connection;
            } catch (JMSException e) {
                if (!jar.alive()) {
                    return null;
                }
            }
        }
        return null;
    }

    private JarProcess start(StandaloneProvider provider) throws IOException {
        return JarProcess.start(workingDir, List.of("-Dbatchline.provider=" + provider.baseUrl(),
                "-Dbatchline.local.enabled=false", "-Dbatchline.http.port=0", "-Dbatchline.provider.delete-files=false",
                "-Dbatchline.jms.enabled=true",
                "-Dbatchline.jms.embedded=true", "-Dbatchline.jms.port=" + port, "-Dbatchline.batch.max-requests=50",
                "-Dbatchline.batch.max-wait=500ms", "-Dbatchline.batch.max-attempts=6",
                "-Dbatchline.batch.check-interval=100", "-Dbatchline.poll.interval=200",
                "-Dbatchline.stream.segment-records=100", "-Dbatchline.retry.initial-delay=10ms",
                "-Dbatchline.retry.max-delay=200ms"));
    }
}
