package dev.batchline;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records from a JMS queue of the embedded ActiveMQ Artemis broker, sent by a plain JMS client over TCP as another
 * process would, and their results received on the results queue, correlated.
 */
class QueueTest extends ApplicationTestSupport {

    private final int port = FreePort.pick();

    @Override
    protected Properties properties() {
        return with("batchline.jms.enabled=true", "batchline.jms.embedded=true", "batchline.jms.port=" + port,
                "batchline.batch.max-wait=1s");
    }

    @Test
    void should_answer_500_records_on_the_results_queue_each_with_its_correlation_id() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer requests = session.createProducer(session.createQueue("batchline.requests"));
            for (int i = 1; i <= 500; i++) {
                TextMessage message = session.createTextMessage("{\"id\":\"r-" + i + "\",\"prompt\":\"question " + i
                                                                + "\"}");
                message.setJMSCorrelationID("corr-" + i);
                requests.send(message);
            }
            MessageConsumer results = session.createConsumer(session.createQueue("batchline.results"));

            Map<String, TextMessage> byCorrelation = new HashMap<>();
            while (byCorrelation.size() < 500) {
                TextMessage result = (TextMessage) results.receive(60_000);
                assertThat(result).as("result %d of 500", byCorrelation.size() + 1).isNotNull();
                assertThat(byCorrelation.put(result.getJMSCorrelationID(), result)).as("a second result").isNull();
            }

            for (int i = 1; i <= 500; i++) {
                TextMessage result = byCorrelation.get("corr-" + i);
                assertThat(result).as("the result of corr-%d", i).isNotNull();
                JsonNode line = JSON.readTree(result.getText());
                assertThat(line.path("custom_id").asText()).isEqualTo("r-" + i);
                assertThat(answer(line)).isEqualTo("Offline answer to: question " + i);
                assertThat(result.getStringProperty(Headers.CUSTOM_ID)).isEqualTo("r-" + i);
                assertThat(result.getStringProperty(Headers.SOURCE)).isEqualTo("batchline.requests");
                assertThat(result.getStringProperty(Headers.STATUS)).isEqualTo("succeeded");
            }
            assertThat(results.receive(500)).isNull();
        }
    }

    @Test
    void should_reply_to_the_requests_own_queue_correlated_by_its_message_id() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue replies = session.createQueue("client.replies");
            TextMessage message = session.createTextMessage("What is the capital of France?");
            message.setJMSReplyTo(replies);
            message.setStringProperty(Headers.MODEL, "gpt-4.1-mini");
            session.createProducer(session.createQueue("batchline.requests")).send(message);

            Message result = session.createConsumer(replies).receive(60_000);

            assertThat(result).isNotNull();
            assertThat(result.getJMSCorrelationID()).isEqualTo(message.getJMSMessageID());
            assertThat(result.getStringProperty(Headers.CUSTOM_ID)).isEqualTo(message.getJMSMessageID());
            JsonNode line = JSON.readTree(((TextMessage) result).getText());
            assertThat(answer(line)).isEqualTo("Offline answer to: What is the capital of France?");
        }
    }

    @Test
    void should_move_a_message_that_can_never_be_a_record_to_the_invalid_queue_and_go_on() throws Exception {
        try (Connection connection = connect()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer requests = session.createProducer(session.createQueue("batchline.requests"));
            requests.send(session.createTextMessage("{\"id\":\"bad\"}"));
            requests.send(session.createTextMessage("{\"id\":\"broken\",\"prompt\":"));
            requests.send(session.createTextMessage("{\"id\":\"good\",\"prompt\":\"fine\"}"));

            MessageConsumer invalid = session.createConsumer(session.createQueue("batchline.invalid"));
            Set<String> reasons = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                Message refused = invalid.receive(30_000);
                assertThat(refused).isNotNull();
                reasons.add(((TextMessage) refused).getText() + " -> " + refused.getStringProperty(
                        Headers.INVALID_REASON));
            }
            Message result = session.createConsumer(session.createQueue("batchline.results")).receive(60_000);

            assertThat(reasons).anySatisfy(reason -> assertThat(reason).startsWith("{\"id\":\"bad\"}")
                    .contains("missing_field"));
            assertThat(reasons).anySatisfy(reason -> assertThat(reason).startsWith("{\"id\":\"broken\"")
                    .contains("invalid_json"));
            assertThat(result).isNotNull();
            assertThat(result.getStringProperty(Headers.CUSTOM_ID)).isEqualTo("good");
            assertThat(invalid.receive(500)).isNull();
        }
    }

    @Test
    void should_answer_an_activemq_5_client_over_openwire_on_the_same_port() throws Exception {
        javax.jms.Connection connection = new org.apache.activemq.ActiveMQConnectionFactory("tcp://127.0.0.1:" + port)
                .createConnection();
        try {
            connection.start();
            javax.jms.Session session = connection.createSession(false, javax.jms.Session.AUTO_ACKNOWLEDGE);
            javax.jms.TextMessage message = session.createTextMessage(
                    "{\"id\":\"ow-1\",\"prompt\":\"over OpenWire\"}");
            message.setJMSCorrelationID("openwire-1");
            session.createProducer(session.createQueue("batchline.requests")).send(message);

            javax.jms.Message result = session.createConsumer(session.createQueue("batchline.results"))
                    .receive(60_000);

            assertThat(result).isNotNull();
            assertThat(result.getJMSCorrelationID()).isEqualTo("openwire-1");
            assertThat(answer(JSON.readTree(((javax.jms.TextMessage) result).getText())))
                    .isEqualTo("Offline answer to: over OpenWire");
        } finally {
            connection.close();
        }
    }

    private Connection connect() throws JMSException {
        Connection connection = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port).createConnection();
        connection.start();
        return connection;
    }
}
