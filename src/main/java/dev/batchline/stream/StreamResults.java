package dev.batchline.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.Headers;
import dev.batchline.failure.ResultNotSentException;
import dev.batchline.failure.Waits;
import dev.batchline.outbox.DeliveredWork;
import dev.batchline.outbox.Prices;
import dev.batchline.state.BatchSource;
import dev.batchline.state.Batches;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.state.StreamRecord;
import dev.batchline.state.StreamRecords;
import dev.batchline.work.ResultLines;
import dev.batchline.work.Slots;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the results of stream records, as soon as their batch is filed, to the endpoint each record names (or
 * {@code batchline.results.endpoint}), one message per record in the results-line shape, with headers
 * {@code BatchlineCustomId}, {@code BatchlineSource}, {@code BatchlineStatus} and {@code JMSCorrelationID}. Each
 * result is noted as sent right after it was sent: at least once, and a crash in between resends that one result
 * only. The {@code send-results} route calls it one stream segment per exchange.
 */
public final class StreamResults {

    private static final Logger LOG = LoggerFactory.getLogger(StreamResults.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StateStore store;
    private final String owner;
    private final WorkFolder work;
    private final String resultsEndpoint;
    private final Prices prices;
    private final Waits waits;
    private final DeliveredWork cleanUp;
    private final Clock clock;
    private final ProducerTemplate producer;

    /** One result to send. */
    public record Result(StreamRecord record, String endpoint, boolean succeeded, String line) {

        /** As {@code BatchlineStatus} says it, and as the state store keeps it. */
        String status() {
            return succeeded ? "succeeded" : "failed";
        }
    }

    /** Sends the results of the segments {@code owner} (an instance) owns. */
    public StreamResults(StateStore store, String owner, WorkFolder work, String resultsEndpoint, Prices prices,
                         Waits waits, ProducerTemplate producer, Clock clock) {
        this.producer = producer;
        this.store = store;
        this.owner = owner;
        this.work = work;
        this.resultsEndpoint = resultsEndpoint == null ? "" : resultsEndpoint.trim();
        this.prices = prices;
        this.waits = waits;
        this.cleanUp = new DeliveredWork(store, work);
        this.clock = clock;
    }

    /** The stream segments with results to send now: a batch of theirs was filed, and they do not wait. */
    public List<Long> due() {
        List<Long> due = new ArrayList<>();
        for (long segment : store.inTransaction(c -> StreamRecords.segmentsWithResults(c, owner))) {
            if (waits.ready(Waits.source(segment))) {
                due.add(segment);
            }
        }
        return due;
    }

    /**
     * Sends the segment's results that are ready, in the order its records came, each noted as sent right after it
     * was sent; then notes the batches they came from as sent, and delivers the segment when it takes no more
     * records and has no result left to send. The first result that cannot be sent stops the round with its failure:
     * the rest wait with it.
     */
    public void send(@Header(Headers.SOURCE_ID) long segmentId) throws IOException {
        List<Long> batches = store.inTransaction(c -> StreamRecords.batchesWithResults(c, segmentId));
        for (Result result : ready(segmentId, batches)) {
            Exchange sent = producer.send(result.endpoint(), exchange -> prepare(exchange.getMessage(), result));
            if (sent.getException() != null) {
                throw new ResultNotSentException("Sending the result of record " + result.record().customId()
                        + " of stream " + result.record().stream() + " to " + result.endpoint() + " failed: "
                        + sent.getException().getMessage(), sent.getException());
            }
            store.inTransaction(c -> {
                StreamRecords.markSent(c, result.record().stream(), result.record().customId(), result.status(),
                        clock.instant());
                return null;
            });
        }
        finished(segmentId, batches);
    }

    /** The results of the segment filed from the given batches and not sent yet, in order. */
    private List<Result> ready(long segmentId, List<Long> batches) throws IOException {
        Set<Long> filed = new HashSet<>(batches);
        List<StreamRecord> unsent = store.inTransaction(c -> StreamRecords.unsent(c, segmentId));
        List<Result> results = new ArrayList<>();
        try (Slots slots = new Slots(work.slots(segmentId)); ResultLines lines = new ResultLines(work, segmentId)) {
            for (StreamRecord record : unsent) {
                Slots.Slot slot = slots.get(record.ordinal());
                if (slot.empty() || !filed.contains(slot.batchId())) {
                    continue; // not filed yet, or filed from a batch being filed now: sent with that one
                }
                byte[] line = lines.withCustomId(slot, record.customId());
                results.add(new Result(record, endpoint(record), slot.kind() == Slots.OUTPUT,
                        new String(line, StandardCharsets.UTF_8)));
            }
        }
        return results;
    }

    private String endpoint(StreamRecord record) {
        if (record.replyTo() != null) {
            return record.replyTo();
        }
        if (resultsEndpoint.isEmpty()) {
            throw new IllegalStateException("The result of record " + record.customId() + " of stream "
                                            + record.stream() + " has no endpoint: set batchline.results.endpoint");
        }
        return resultsEndpoint;
    }

    /** The message of one result: the result line, and the headers that correlate it. */
    private static void prepare(Message message, Result result) {
        message.setHeader(Headers.CUSTOM_ID, result.record().customId());
        message.setHeader(Headers.SOURCE, result.record().stream());
        message.setHeader(Headers.STATUS, result.status());
        if (result.record().correlationId() != null) {
            message.setHeader("JMSCorrelationID", result.record().correlationId());
        }
        message.setBody(result.line());
    }

    private void finished(long segmentId, List<Long> batches) {
        boolean delivered = store.inTransaction(c -> {
            StreamRecords.markBatchesSent(c, segmentId, batches, clock.instant());
            Source segment = Sources.find(c, segmentId).orElseThrow();
            if (segment.status().equals(Source.INGESTED) && StreamRecords.unsentCount(c, segmentId) == 0) {
                Sources.markDelivered(c, segmentId, clock.instant());
                return true;
            }
            return false;
        });
        if (delivered) {
            List<Long> all = store.inTransaction(c -> Batches.batchesOf(c, segmentId)).stream()
                    .map(BatchSource::batchId).toList();
            cleanUp.cleanUp(segmentId, all);
            LOG.info("Stream segment {} delivered: every result was sent", segmentId);
        }
    }

    /**
     * A stream's summary: records taken, results sent (succeeded, failed), records in flight, tokens and cost. A
     * stream has no end, so this is asked for, not written.
     */
    public String summary(@Header(Headers.SOURCE) String stream) {
        if (stream == null || stream.isBlank()) {
            stream = "direct";
        }
        String name = stream;
        long[] counts = store.inTransaction(c -> StreamRecords.counts(c, name));
        List<StreamRecords.Usage> usage = store.inTransaction(c -> StreamRecords.usage(c, name));
        ObjectNode summary = JSON.createObjectNode();
        summary.put("stream", stream);
        summary.put("records", counts[0]);
        summary.put("sent", counts[1]);
        summary.put("succeeded", counts[2]);
        summary.put("failed", counts[1] - counts[2]);
        summary.put("in_flight", counts[0] - counts[1]);
        Prices.Bill bill = prices.bill();
        for (StreamRecords.Usage model : usage) {
            bill.add(model.model(), model.promptTokens(), model.completionTokens(), true);
        }
        bill.writeTo(summary);
        return summary.toString();
    }
}
