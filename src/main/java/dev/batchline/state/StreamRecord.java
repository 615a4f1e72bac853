package dev.batchline.state;

/**
 * A record taken from a stream (sent to {@code direct:batch} or a queue).
 *
 * @param stream        the stream's name (header {@code BatchlineSource})
 * @param customId      the record's {@code custom_id}, unique in its stream
 * @param sourceId      the segment (a source of kind stream) that holds it
 * @param ordinal       its place in the segment, from 0
 * @param replyTo       the endpoint its result goes to, or null for {@code batchline.results.endpoint}
 * @param correlationId the {@code JMSCorrelationID} its result carries, or null
 */
public record StreamRecord(String stream, String customId, long sourceId, int ordinal, String replyTo,
                           String correlationId) {
}
