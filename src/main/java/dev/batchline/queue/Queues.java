package dev.batchline.queue;

import java.nio.file.Path;
import java.util.List;

import dev.batchline.config.Settings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Wires JMS ({@code batchline.jms.enabled=true}): Camel's {@code jms} component on ActiveMQ Artemis' JMS client, to
 * an external broker ({@code batchline.jms.broker-url}) or to a broker embedded in the application
 * ({@code batchline.jms.embedded=true}). Kept apart from the rest of the configuration so that none of its classes
 * load when JMS is off.
 */
public final class Queues {

    private Queues() {
    }

    /** Binds {@code queueMessages}, adds the {@code jms} component and, when asked for, the embedded broker. */
    public static void configure(CamelContext context, Settings settings, Path work) throws Exception {
        String requests = settings.string("batchline.jms.requests-queue", "batchline.requests");
        String results = settings.string("batchline.jms.results-queue", "batchline.results");
        String invalid = settings.string("batchline.jms.invalid-queue", "batchline.invalid");
        String url = settings.string("batchline.jms.broker-url", "tcp://127.0.0.1:61616");
        if (settings.bool("batchline.jms.embedded", false)) {
            EmbeddedBroker broker = new EmbeddedBroker(work.resolve("broker"),
                    settings.string("batchline.jms.host", "127.0.0.1"), settings.integer("batchline.jms.port", 61616),
                    requests, List.of(requests, results, invalid));
            context.addService(broker, true, true);
            url = broker.url();
        }
        String password = settings.value("batchline.jms.password");
        ActiveMQConnectionFactory broker = new ActiveMQConnectionFactory(url, settings.value("batchline.jms.user"),
                password == null || password.isEmpty() ? null : password);
        // sessions and producers are kept open between sends: a result is one send on a cached producer
        CachingConnectionFactory connections = new CachingConnectionFactory(broker);
        connections.setSessionCacheSize(settings.integer("batchline.jms.consumers", 4) + 4);
        context.addService(new Service() {
            @Override
            public void start() {
                // connections open on first use
            }

            @Override
            public void stop() {
                connections.destroy();
                broker.close();
            }
        }, true, true);
        context.addComponent("jms", JmsComponent.jmsComponent(connections));
        context.getRegistry().bind("queueMessages", new QueueMessages(requests, results));
    }
}
