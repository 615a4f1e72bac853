package dev.batchline.queue;

import java.util.regex.Pattern;

import dev.batchline.Headers;
import dev.batchline.failure.FailureClass;
import dev.batchline.failure.Failures;
import dev.batchline.failure.InvalidRecordException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMS side of a stream: turns a request message into a record for {@code direct:batch} (its stream, where its
 * result goes, the correlation id the result carries), and decides which failed messages go to the invalid queue.
 */
public final class QueueMessages {

    private static final Logger LOG = LoggerFactory.getLogger(QueueMessages.class);
    /** A destination name that is safe inside an endpoint URI: no options, no other component. */
    private static final Pattern DESTINATION = Pattern.compile("[\\w.\\-/]{1,200}");

    private final String requestsQueue;
    private final String resultsQueue;

    public QueueMessages(String requestsQueue, String resultsQueue) {
        this.requestsQueue = requestsQueue;
        this.resultsQueue = resultsQueue;
    }

    /**
     * Prepares a request: its result goes to its {@code JMSReplyTo}, or to the results queue, with the request's
     * {@code JMSCorrelationID} (its {@code JMSMessageID} when it has none); its stream is {@code BatchlineSource} or
     * the requests queue's name; a record without an id is known by its {@code JMSMessageID} (or its correlation
     * id). An endpoint named by the message itself ({@code BatchlineReplyTo}) is not used: a message from a queue
     * does not choose Camel endpoints.
     */
    public void request(Exchange exchange) throws JMSException {
        Message message = exchange.getMessage();
        String messageId = text(message.getHeader("JMSMessageID", String.class));
        String correlationId = text(message.getHeader("JMSCorrelationID", String.class));
        message.setHeader(Headers.CORRELATION_ID, correlationId != null ? correlationId : messageId);
        if (text(message.getHeader(Headers.CUSTOM_ID, String.class)) == null) {
            // a record without an id is known by its message: the same on every redelivery (a STOMP message has no
            // JMSMessageID, so its correlation id stands in)
            message.setHeader(Headers.CUSTOM_ID, messageId != null ? messageId : correlationId);
        }
        message.setHeader(Headers.REPLY_TO, replyTo(message.getHeader("JMSReplyTo")));
        String stream = message.getHeader(Headers.SOURCE, String.class);
        if (stream == null || stream.isBlank()) {
            message.setHeader(Headers.SOURCE, requestsQueue);
        }
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private String replyTo(Object destination) throws JMSException {
        String kind = "queue";
        String name = resultsQueue;
        if (destination instanceof Queue queue) {
            name = queue.getQueueName();
        } else if (destination instanceof Topic topic) {
            kind = "topic";
            name = topic.getTopicName();
        }
        if (name == null || !DESTINATION.matcher(name).matches()) {
            throw new InvalidRecordException("invalid_reply_to", "The message's JMSReplyTo names a destination"
                    + " Batchline does not send to: '" + name + "' (letters, digits, . _ - / only).");
        }
        return "jms:" + kind + ":" + name;
    }

    /** Whether a request that failed goes to the invalid queue: it can never be a record. */
    public boolean invalid(Exchange exchange) {
        return Failures.of(Failures.failureOf(exchange)) == FailureClass.INVALID;
    }

    /** Notes on the message why it can never be a record, before it goes to the invalid queue. */
    public void refuse(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        Message message = exchange.getMessage();
        String reason = failure.getMessage();
        message.setHeader(Headers.INVALID_REASON, reason);
        Object id = message.getHeader("JMSMessageID") != null ? message.getHeader("JMSMessageID")
                : message.getHeader("JMSCorrelationID");
        LOG.warn("A message from {} ({}) can never be a record, moved to the invalid queue: {}", requestsQueue,
                id == null ? "no message or correlation id" : id, reason);
    }
}
