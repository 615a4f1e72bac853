package dev.batchline.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.Headers;
import dev.batchline.batch.BatchKey;
import dev.batchline.batch.Spool;
import dev.batchline.batch.Spools;
import dev.batchline.failure.InvalidRecordException;
import dev.batchline.inbox.LineBuffer;
import dev.batchline.inbox.RecordFormat;
import dev.batchline.inbox.RecordFormat.Invalid;
import dev.batchline.inbox.RecordFormat.Parsed;
import dev.batchline.inbox.RecordFormat.Request;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.state.StreamRecord;
import dev.batchline.state.StreamRecords;
import dev.batchline.work.RequestId;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes records sent one at a time to {@code direct:batch} (from a queue or any Camel route) into the open batches,
 * beside the records of the inbox's files. A record is durably spooled when {@link #take} returns: it is in its open
 * batch's file, and the state store knows it, its stream, its {@code custom_id} and where its result goes. A record
 * whose {@code custom_id} the stream has already is not spooled again, so a message delivered twice costs nothing.
 * A stream's records go to segments of {@code segment-records} records; each segment is a source, delivered when all
 * of its results were sent ({@link StreamResults}).
 */
public final class Streams extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Streams.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_STREAM_NAME = 256;
    private static final int MAX_CUSTOM_ID = 512;

    private final StateStore store;
    private final String owner;
    private final Spools spools;
    private final RecordFormat format;
    private final String resultsEndpoint;
    private final int segmentRecords;
    private final Clock clock;
    private final LineBuffer line = new LineBuffer();
    /** The segment each stream's records go to now; guarded by the spools' lock. */
    private final Map<String, Segment> segments = new HashMap<>();

    /** A stream's current segment: its source and how many records it holds. */
    private static final class Segment {
        final long sourceId;
        int records;

        Segment(long sourceId, int records) {
            this.sourceId = sourceId;
            this.records = records;
        }
    }

    /** What {@link #take} did with a record: its {@code custom_id}, and whether it was new to the stream. */
    public record Taken(String customId, boolean isNew) {
    }

    /** The streams of one instance ({@code owner}, which owns the segments it fills). */
    public Streams(StateStore store, Spools spools, String owner, RecordFormat format, String resultsEndpoint,
                   int segmentRecords, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.spools = spools;
        this.format = format;
        this.resultsEndpoint = resultsEndpoint == null ? "" : resultsEndpoint.trim();
        this.segmentRecords = segmentRecords;
        this.clock = clock;
    }

    /**
     * At start, the segments that took records before are closed: they take no more, and are delivered once their
     * results are sent; each stream starts a new one with its first record.
     */
    @Override
    protected void doStart() {
        adopt();
    }

    /**
     * Closes the segments this instance owns but does not fill (all of them at start; after a takeover, those of
     * the instance that died): they take no more records and are delivered once their results are sent.
     */
    public void adopt() {
        spools.lock().lock();
        try {
            store.inTransaction(c -> {
                for (Source segment : Sources.withStatus(c, Sources.STREAM, Source.INGESTING, owner)) {
                    if (segments.values().stream().noneMatch(current -> current.sourceId == segment.id())) {
                        Sources.saveProgress(c, segment.id(), 0, segment.records() + 1, segment.records(), 0, 0,
                                clock.instant());
                    }
                }
                return null;
            });
        } finally {
            spools.lock().unlock();
        }
    }

    @Override
    protected void doStop() {
        spools.lock().lock();
        try {
            segments.clear();
        } finally {
            spools.lock().unlock();
        }
    }

    /**
     * Takes the record of the exchange ({@code direct:batch}): a simple record or a native batch line as JSON text
     * or a Map, or a plain prompt (with headers {@code BatchlineCustomId}, {@code BatchlineModel},
     * {@code BatchlineSystem}). Sets {@code BatchlineCustomId} to the record's {@code custom_id}, and
     * {@code BatchlineTaken} to whether it was new to the stream. Throws {@link InvalidRecordException} naming the
     * field for input that can never be a record; nothing is spooled then.
     */
    public void take(Exchange exchange) throws IOException {
        Message message = exchange.getMessage();
        String stream = text(message.getHeader(Headers.SOURCE, String.class));
        if (stream == null) {
            stream = "direct";
        }
        if (stream.length() > MAX_STREAM_NAME) {
            throw new InvalidRecordException("invalid_header", "The header " + Headers.SOURCE + " (the stream's name)"
                    + " has " + stream.length() + " characters; the limit is " + MAX_STREAM_NAME + ".");
        }
        String replyTo = text(message.getHeader(Headers.REPLY_TO, String.class));
        if (replyTo == null && resultsEndpoint.isEmpty()) {
            throw new InvalidRecordException("no_results_endpoint", "The record names no endpoint for its result:"
                    + " set batchline.results.endpoint, or the header " + Headers.REPLY_TO + ".");
        }
        String customId = text(message.getHeader(Headers.CUSTOM_ID, String.class));
        byte[] json = json(message, customId);
        Taken taken = take(stream, json, customId != null ? customId : message.getMessageId(), replyTo,
                text(message.getHeader(Headers.CORRELATION_ID, String.class)));
        message.setHeader(Headers.CUSTOM_ID, taken.customId());
        message.setHeader(Headers.TAKEN, taken.isNew());
    }

    /**
     * Takes one record (JSON) into the stream; {@code fallbackId} is the {@code custom_id} of a simple record without
     * {@code id}.
     */
    public Taken take(String stream, byte[] json, String fallbackId, String replyTo, String correlationId)
            throws IOException {
        spools.lock().lock();
        try {
            Segment segment = segment(stream);
            Parsed parsed = format.parse(json, json.length, fallbackId, 0,
                    new RequestId(segment.sourceId, segment.records, 1), line);
            if (parsed instanceof Invalid bad) {
                throw new InvalidRecordException(bad.code(), bad.message()
                        + (bad.customId() != null ? " (custom_id " + bad.customId() + ")" : ""));
            }
            Request request = (Request) parsed;
            String customId = request.customId();
            if (customId.length() > MAX_CUSTOM_ID) {
                throw new InvalidRecordException("invalid_field", "The custom_id has " + customId.length()
                        + " characters; a stream takes at most " + MAX_CUSTOM_ID + ".");
            }
            if (store.inTransaction(c -> StreamRecords.find(c, stream, customId)).isPresent()) {
                LOG.debug("Stream {} has record {} already: not taken again", stream, customId);
                return new Taken(customId, false);
            }
            spool(stream, segment, customId, request, replyTo, correlationId);
            return new Taken(customId, true);
        } finally {
            spools.lock().unlock();
        }
    }

    private void spool(String stream, Segment segment, String customId, Request request, String replyTo,
                       String correlationId) throws IOException {
        BatchKey key = new BatchKey(request.endpoint(), request.model());
        if (!spools.hasRoomFor(key)) {
            throw new InvalidRecordException("too_many_batches", "This record needs a batch for "
                    + request.endpoint() + " and model '" + request.model() + "', but " + spools.openCount()
                    + " batches are open already (batchline.batch.max-open).");
        }
        Spool spool = spools.spoolFor(key);
        if (!spools.fits(spool, line.size())) {
            spools.sealNow(List.of(spool), "full");
            spool = spools.spoolFor(key);
        }
        spool.append(segment.sourceId, line.bytes(), line.size());
        String reason = spools.sealReason(spool, clock.millis());
        List<Spool> seal = reason == null ? List.of() : List.of(spool);
        int ordinal = segment.records;
        int records = ordinal + 1;
        boolean full = records >= segmentRecords;
        Instant now = clock.instant();
        try {
            spools.flush();
            store.transaction(c -> {
                StreamRecords.insert(c, new StreamRecord(stream, customId, segment.sourceId, ordinal, replyTo,
                        correlationId), now);
                Sources.saveProgress(c, segment.sourceId, 0, records + 1, records, 0, 0, full ? now : null);
                spools.commit(c, seal, now);
                return null;
            });
        } catch (SQLException e) {
            spools.rollBack();
            throw new IllegalStateException("State store: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            spools.rollBack();
            throw e;
        }
        spools.committed(seal, reason);
        segment.records = records;
        if (full) {
            segments.remove(stream);
        }
    }

    private Segment segment(String stream) {
        Segment segment = segments.get(stream);
        if (segment == null) {
            Source source = store.inTransaction(c -> Sources.createSegment(c, stream, owner, clock.instant()));
            segment = new Segment(source.id(), 0);
            segments.put(stream, segment);
            LOG.info("Stream {}: taking records into source {}", stream, source.id());
        }
        return segment;
    }

    /** The record as JSON: a Map serialised, JSON text as it is, a plain prompt made into a simple record. */
    private static byte[] json(Message message, String customId) throws IOException {
        Object body = message.getBody();
        if (body instanceof Map<?, ?> map) {
            return JSON.writeValueAsBytes(map);
        }
        byte[] bytes = body instanceof byte[] raw ? raw : message.getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRecordException("missing_field", "The message has no body: send a record (JSON) or a"
                                                              + " prompt.");
        }
        int first = 0;
        while (first < bytes.length && Character.isWhitespace(bytes[first])) {
            first++;
        }
        if (first < bytes.length && (bytes[first] == '{' || bytes[first] == '[')) {
            return bytes;
        }
        String prompt = new String(bytes, StandardCharsets.UTF_8);
        if (prompt.isBlank()) {
            throw new InvalidRecordException("missing_field", "The message's body is blank: send a record (JSON) or"
                                                              + " a prompt.");
        }
        ObjectNode record = JSON.createObjectNode();
        if (customId != null) {
            record.put("id", customId);
        }
        record.put("prompt", prompt);
        String model = text(message.getHeader(Headers.MODEL, String.class));
        if (model != null) {
            record.put("model", model);
        }
        String system = text(message.getHeader(Headers.SYSTEM, String.class));
        if (system != null) {
            record.put("system", system);
        }
        return JSON.writeValueAsBytes(record);
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
