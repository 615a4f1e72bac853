package dev.batchline.queue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.server.RemotingService;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ActiveMQ Artemis broker inside the application ({@code batchline.jms.embedded=true}), for the demo and tests:
 * one acceptor on {@code host:port} that takes every protocol on the class path (CORE, AMQP, STOMP, OpenWire), a
 * persistent journal under the work folder, and the requests, results and invalid queues created at start, so a
 * client of any protocol finds them. A request that fails is redelivered after a back-off (1 s doubling up to a
 * minute), as often as it takes: only a message that can never be a record leaves the requests queue unanswered,
 * for the invalid queue.
 */
public final class EmbeddedBroker implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final String ACCEPTOR = "artemis";
    private static final String DEAD_LETTERS = "DLQ";
    private static final String EXPIRED = "ExpiryQueue";

    private final Path dir;
    private final String host;
    private final int port;
    private final String requests;
    private final List<String> queues;
    private EmbeddedActiveMQ broker;

    public EmbeddedBroker(Path dir, String host, int port, String requests, List<String> queues) {
        this.dir = dir;
        this.host = host;
        this.port = port;
        this.requests = requests;
        this.queues = queues;
    }

    /** The URL clients in this process connect with. */
    public String url() {
        return "tcp://" + host + ":" + port;
    }

    @Override
    public synchronized void start() {
        if (broker != null) {
            return;
        }
        Configuration config = new ConfigurationImpl()
                .setName("batchline")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setCriticalAnalyzer(false)
                .setJournalType(JournalType.NIO)
                .setMaxDiskUsage(-1)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        try {
            config.addAcceptorConfiguration(ACCEPTOR, url());
        } catch (Exception e) {
            throw new IllegalArgumentException("The embedded broker cannot listen on " + url() + ": " + e.getMessage(),
                    e);
        }
        // as Artemis' own broker.xml: what expires or is given up goes to queues of its own
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTERS))
                .setExpiryAddress(SimpleString.of(EXPIRED)));
        config.addAddressSetting(requests, new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(60_000));
        for (String queue : Stream.concat(queues.stream(), Stream.of(DEAD_LETTERS, EXPIRED)).toList()) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        EmbeddedActiveMQ starting = new EmbeddedActiveMQ().setConfiguration(config);
        try {
            starting.start();
        } catch (Exception e) {
            throw new IllegalStateException("The embedded broker did not start: " + e.getMessage(), e);
        }
        RemotingService remoting = starting.getActiveMQServer().getRemotingService();
        if (remoting.getAcceptor(ACCEPTOR) == null || !remoting.getAcceptor(ACCEPTOR).isStarted()) {
            stop(starting);
            throw new IllegalStateException("The embedded broker cannot listen on " + url() + " (is the port in use?"
                                            + " set batchline.jms.port)");
        }
        broker = starting;
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
            LOG.warn("The embedded broker listens on {}, beyond loopback, and has no authentication: anyone who can"
                     + " reach it can send records and read results", url());
        }
        LOG.info("Embedded broker listening on {} (CORE, AMQP, STOMP, OpenWire), journal in {}", url(),
                dir.toAbsolutePath());
    }

    @Override
    public synchronized void stop() {
        if (broker != null) {
            stop(broker);
            broker = null;
        }
    }

    private static void stop(EmbeddedActiveMQ broker) {
        try {
            broker.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the embedded broker failed", e);
        }
    }
}
