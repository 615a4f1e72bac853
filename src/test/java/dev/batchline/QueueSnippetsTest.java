package dev.batchline;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.Route;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The route snippets of docs/queues.md (examples/queues/), loaded by the application as a user would copy them. */
class QueueSnippetsTest {

    /** AMQP 1.0, against the embedded Artemis broker's AMQP side, with Qpid's JMS client as the other end. */
    @Nested
    class Amqp extends ApplicationTestSupport {

        private final int port = FreePort.pick();

        @Override
        protected Properties properties() {
            return with("batchline.jms.enabled=true", "batchline.jms.embedded=true", "batchline.jms.port=" + port,
                    "batchline.batch.max-wait=1s",
                    "camel.main.routes-include-pattern=file:routes/*.camel.yaml,file:examples/queues/amqp.camel.yaml",
                    "camel.component.amqp.connection-factory=#class:org.apache.qpid.jms.JmsConnectionFactory("
                    + "'amqp://127.0.0.1:" + port + "')");
        }

        @Test
        void should_answer_records_from_an_amqp_queue_on_its_results_queue() throws Exception {
            try (Connection connection = new JmsConnectionFactory("amqp://127.0.0.1:" + port).createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer orders = session.createProducer(session.createQueue("orders"));
                for (int i = 1; i <= 3; i++) {
                    TextMessage message = session.createTextMessage("{\"id\":\"o-" + i + "\",\"prompt\":\"order " + i
                                                                    + "\"}");
                    message.setJMSCorrelationID("c-" + i);
                    orders.send(message);
                }
                orders.send(session.createTextMessage("{\"id\":\"o-4\"}"));

                MessageConsumer results = session.createConsumer(session.createQueue("orders.results"));
                Map<String, Message> byId = new HashMap<>();
                for (int i = 0; i < 3; i++) {
                    Message result = results.receive(60_000);
                    assertThat(result).isNotNull();
                    byId.put(result.getStringProperty(Headers.CUSTOM_ID), result);
                }
                Message invalid = session.createConsumer(session.createQueue("orders.invalid")).receive(30_000);

                assertThat(byId).containsOnlyKeys("o-1", "o-2", "o-3");
                JsonNode line = JSON.readTree(((TextMessage) byId.get("o-2")).getText());
                assertThat(answer(line)).isEqualTo("Offline answer to: order 2");
                assertThat(byId.get("o-2").getJMSCorrelationID()).isEqualTo("c-2");
                assertThat(byId.get("o-2").getStringProperty(Headers.SOURCE)).isEqualTo("orders");
                assertThat(invalid).isNotNull();
                assertThat(invalid.getStringProperty(Headers.INVALID_REASON)).contains("missing_field");
            }
        }
    }

    /** Kafka: no broker runs in the build, so the route is checked to load and name its endpoints. */
    @Nested
    class Kafka extends ApplicationTestSupport {

        @Override
        protected Properties properties() {
            return with("kafka.brokers=127.0.0.1:9", "camel.main.auto-startup=false",
                    "camel.main.routes-include-pattern=file:routes/*.camel.yaml,file:examples/queues/kafka.camel.yaml");
        }

        @Test
        void should_load_the_kafka_route_with_its_brokers() {
            Route route = context.getRoute("kafka-orders");

            assertThat(route).isNotNull();
            assertThat(route.getEndpoint().getEndpointUri()).startsWith("kafka://orders")
                    .contains("brokers=127.0.0.1:9");
        }
    }
}
