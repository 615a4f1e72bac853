package dev.batchline.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.failure.Waits;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.BatchSource;
import dev.batchline.state.Batches;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.work.FileSink;
import dev.batchline.work.RecordIndex;
import dev.batchline.work.ResultLine;
import dev.batchline.work.ResultLines;
import dev.batchline.work.Slots;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a finished source to the outbox: {@code <source>.results.jsonl} (one line per input record, in input
 * order, in OpenAI's output-line shape with the user's {@code custom_id}), {@code <source>.errors.jsonl} (every
 * invalid or failed record with its line, code and message; only when there is one) and
 * {@code <source>.summary.json}. Each is written under a hidden temporary name and renamed, the summary last: its
 * presence means the source is complete.
 */
public final class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();
    private static final byte[] NEWLINE = {'\n'};
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final StateStore store;
    private final String owner;
    private final WorkFolder work;
    private final Path outbox;
    private final Prices prices;
    private final Waits waits;
    private final Clock clock;
    private final DeliveredWork cleanUp;

    /** Delivers the sources {@code owner} (an instance) owns. */
    public Delivery(StateStore store, String owner, WorkFolder work, Path outbox, Prices prices, Waits waits,
                    Clock clock) {
        this.cleanUp = new DeliveredWork(store, work);
        this.store = store;
        this.owner = owner;
        this.work = work;
        this.outbox = outbox;
        this.prices = prices;
        this.waits = waits;
        this.clock = clock;
    }

    /** The sources whose records all have their final result, unless their delivery waits. */
    public List<Long> ready() {
        List<Long> ready = new ArrayList<>();
        for (Source source : store.inTransaction(c -> Sources.readyToDeliver(c, owner))) {
            if (waits.ready(Waits.source(source.id()))) {
                ready.add(source.id());
            }
        }
        return ready;
    }

    /** Delivers one source whose records all have their final result. */
    public void deliver(@Body long sourceId) throws IOException {
        Source source = store.inTransaction(c -> Sources.find(c, sourceId)).orElseThrow();
        if (source.status().equals(Source.INGESTED)) {
            deliver(source);
        }
    }

    void deliver(Source source) throws IOException {
        String folder = source.name().contains("/") ? source.name().substring(0, source.name().lastIndexOf('/')) : "";
        Path dir = Files.createDirectories(folder.isEmpty() ? outbox : outbox.resolve(folder));
        String base = source.baseName();
        List<BatchSource> batches = store.inTransaction(c -> Batches.batchesOf(c, source.id()));
        Tally tally = new Tally(prices);
        // temporary names of this source's own: two sources of one name (dropped twice) may be delivered at once
        String temporary = "." + base + "." + source.id();
        Path results = dir.resolve(temporary + ".results.jsonl.tmp");
        Path errors = dir.resolve(temporary + ".errors.jsonl.tmp");
        try (Writing writing = new Writing(source, results, errors, tally)) {
            writing.all();
        }
        Set<String> providerBatchIds = new LinkedHashSet<>();
        int retried = 0;
        int lost = 0;
        for (BatchSource row : batches) {
            retried += row.retried();
            lost += row.lost();
            BatchRecord batch = store.inTransaction(c -> Batches.find(c, row.batchId())).orElseThrow();
            if (batch.providerBatchId() != null) {
                providerBatchIds.add(batch.providerBatchId());
            }
            tally.bill.add(batch.model(), row.promptTokens(), row.completionTokens(), row.succeeded() > 0);
        }
        Instant now = clock.instant();
        ObjectNode summary = summary(source, tally, retried, lost, providerBatchIds, now);
        Path summaryTemp = dir.resolve(temporary + ".summary.json.tmp");
        Files.write(summaryTemp, JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(summary));

        move(results, dir.resolve(base + ".results.jsonl"));
        if (tally.errors > 0) {
            move(errors, dir.resolve(base + ".errors.jsonl"));
        } else {
            Files.deleteIfExists(errors);
            Files.deleteIfExists(dir.resolve(base + ".errors.jsonl"));
        }
        move(summaryTemp, dir.resolve(base + ".summary.json"));

        store.inTransaction(c -> {
            Sources.requireOwner(c, source.id(), owner);
            Sources.markDelivered(c, source.id(), now);
            return null;
        });
        LOG.info("Delivered source {} ({}) to {}: {} records, {} succeeded, {} failed, {} invalid", source.id(),
                source.name(), dir.resolve(base + ".results.jsonl"), tally.records, tally.succeeded, tally.failed,
                tally.invalid);
        cleanUp.cleanUp(source.id(), batches.stream().map(BatchSource::batchId).toList());
    }

    private ObjectNode summary(Source source, Tally tally, int retried, int lost, Set<String> batchIds,
                               Instant now) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("source", source.name());
        summary.put("records", tally.records);
        summary.put("succeeded", tally.succeeded);
        summary.put("failed", tally.failed);
        summary.put("invalid", tally.invalid);
        summary.put("expired", tally.expired);
        summary.put("retried", retried);
        summary.put("lost_resubmitted", lost);
        batchIds.forEach(summary.putArray("batches")::add);
        tally.bill.writeTo(summary);
        summary.put("started_at", source.createdAt().toString());
        summary.put("completed_at", now.toString());
        return summary;
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Counts of one delivery. */
    private static final class Tally {
        int records;
        int succeeded;
        int failed;
        int invalid;
        int expired;
        int errors;
        final Prices.Bill bill;

        Tally(Prices prices) {
            bill = prices.bill();
        }
    }

    /** Walks a source's records in order and writes its results and errors. */
    private final class Writing implements AutoCloseable {

        private final Source source;
        private final Tally tally;
        private final RecordIndex.Reader index;
        private final Slots.Reader slots;
        private final FileSink results;
        private final FileSink errors;
        private final ResultLines lines;
        private final ResultLines.Out resultsOut;

        Writing(Source source, Path results, Path errors, Tally tally) throws IOException {
            this.source = source;
            this.tally = tally;
            Files.createDirectories(work.source(source.id()));
            Path records = work.records(source.id());
            if (!Files.exists(records)) {
                Files.createFile(records);
            }
            this.index = new RecordIndex.Reader(records);
            this.slots = new Slots.Reader(work.slots(source.id()));
            this.lines = new ResultLines(work, source.id());
            this.results = new FileSink(results, 0);
            this.resultsOut = this.results::write;
            this.errors = new FileSink(errors, 0);
        }

        void all() throws IOException {
            RecordIndex.Entry entry;
            while ((entry = index.next()) != null) {
                if (entry.wholeFile()) {
                    error(entry, entry.code(), entry.message());
                    continue;
                }
                tally.records++;
                Slots.Slot slot = slots.next();
                if (entry.valid()) {
                    result(entry, slot);
                } else {
                    tally.invalid++;
                    failure(entry, entry.code(), entry.message());
                }
            }
        }

        /** The record's result line with the user's custom_id put back in place of Batchline's. */
        private void result(RecordIndex.Entry entry, Slots.Slot slot) throws IOException {
            if (slot.empty()) {
                LOG.warn("Source {} line {}: no result was filed", source.id(), entry.line());
                tally.failed++;
                failure(entry, "missing_result", "Batchline has no result for this record.");
                return;
            }
            byte[] bytes = lines.writeWithCustomId(slot, entry.escapedCustomId() != null ? entry.escapedCustomId()
                    : ESCAPER.quoteAsUTF8(entry.customId()), resultsOut);
            results.write(NEWLINE);
            if (slot.kind() == Slots.OUTPUT) {
                tally.succeeded++;
                return;
            }
            tally.failed++;
            ResultLine failed = ResultLine.scan(bytes, 0, slot.length());
            String code = failed.errorCode();
            if (code == null || code.isEmpty()) {
                code = failed.status() > 0 ? "http_" + failed.status() : "failed";
            }
            if (code.equals("batch_expired")) {
                tally.expired++;
            }
            String message = failed.errorMessage() != null ? failed.errorMessage()
                    : failed.status() > 0 ? "HTTP " + failed.status() : "The request failed.";
            error(entry, code, message);
        }

        /** A record without a provider answer: an error line in the results, and in the errors. */
        private void failure(RecordIndex.Entry entry, String code, String message) throws IOException {
            ObjectNode line = JSON.createObjectNode();
            line.putNull("id");
            line.put("custom_id", entry.customId());
            line.putNull("response");
            line.putObject("error").put("code", code).put("message", message);
            write(results, line);
            error(entry, code, message);
        }

        private void error(RecordIndex.Entry entry, String code, String message) throws IOException {
            ObjectNode line = JSON.createObjectNode();
            line.put("source", source.name());
            if (entry.wholeFile()) {
                line.putNull("line");
            } else {
                line.put("line", entry.line());
            }
            line.put("custom_id", entry.customId());
            line.put("code", code);
            line.put("message", message);
            write(errors, line);
            tally.errors++;
        }

        private void write(FileSink out, JsonNode json) throws IOException {
            out.write(JSON.writeValueAsBytes(json));
            out.write(NEWLINE);
        }

        @Override
        public void close() throws IOException {
            results.close();
            errors.close();
            index.close();
            slots.close();
            lines.close();
        }
    }
}
