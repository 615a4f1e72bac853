package dev.batchline.outbox;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.BatchSource;
import dev.batchline.state.Batches;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.work.RecordIndex;
import dev.batchline.work.Slots;
import dev.batchline.work.WorkFolder;
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
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final StateStore store;
    private final WorkFolder work;
    private final Path outbox;
    private final Prices prices;
    private final Clock clock;

    public Delivery(StateStore store, WorkFolder work, Path outbox, Prices prices, Clock clock) {
        this.store = store;
        this.work = work;
        this.outbox = outbox;
        this.prices = prices;
        this.clock = clock;
    }

    /** Delivers every source whose records all have their final result; returns how many. */
    public int deliverReady() {
        List<Source> ready = store.inTransaction(Sources::readyToDeliver);
        for (Source source : ready) {
            try {
                deliver(source);
            } catch (IOException e) {
                throw new UncheckedIOException("Delivering source " + source.id() + " (" + source.name()
                                               + ") failed", e);
            }
        }
        return ready.size();
    }

    void deliver(Source source) throws IOException {
        String folder = source.name().contains("/") ? source.name().substring(0, source.name().lastIndexOf('/')) : "";
        Path dir = Files.createDirectories(folder.isEmpty() ? outbox : outbox.resolve(folder));
        String base = source.baseName();
        List<BatchSource> batches = store.inTransaction(c -> Batches.batchesOf(c, source.id()));
        Tally tally = new Tally();
        Path results = dir.resolve("." + base + ".results.jsonl.tmp");
        Path errors = dir.resolve("." + base + ".errors.jsonl.tmp");
        try (Writing writing = new Writing(source, results, errors, tally)) {
            writing.all();
        }
        Set<String> providerBatchIds = new LinkedHashSet<>();
        int retried = 0;
        for (BatchSource row : batches) {
            retried += row.retried();
            BatchRecord batch = store.inTransaction(c -> Batches.find(c, row.batchId())).orElseThrow();
            if (batch.providerBatchId() != null) {
                providerBatchIds.add(batch.providerBatchId());
            }
        }
        Instant now = clock.instant();
        ObjectNode summary = summary(source, tally, retried, providerBatchIds, now);
        Path summaryTemp = dir.resolve("." + base + ".summary.json.tmp");
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
            Sources.markDelivered(c, source.id(), now);
            return null;
        });
        LOG.info("Delivered source {} ({}) to {}: {} records, {} succeeded, {} failed, {} invalid", source.id(),
                source.name(), dir.resolve(base + ".results.jsonl"), tally.records, tally.succeeded, tally.failed,
                tally.invalid);
        cleanUp(source, batches);
    }

    private ObjectNode summary(Source source, Tally tally, int retried, Set<String> batchIds, Instant now) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("source", source.name());
        summary.put("records", tally.records);
        summary.put("succeeded", tally.succeeded);
        summary.put("failed", tally.failed);
        summary.put("invalid", tally.invalid);
        summary.put("expired", tally.expired);
        summary.put("retried", retried);
        batchIds.forEach(summary.putArray("batches")::add);
        summary.putObject("usage").put("prompt_tokens", tally.promptTokens)
                .put("completion_tokens", tally.completionTokens);
        ObjectNode cost = summary.putObject("cost");
        if (tally.unpriced) {
            cost.putNull("batch");
            cost.putNull("realtime_equivalent");
        } else {
            cost.put("batch", round(tally.realtimeCost * prices.batchShare()));
            cost.put("realtime_equivalent", round(tally.realtimeCost));
        }
        cost.put("currency", "USD");
        summary.put("started_at", source.createdAt().toString());
        summary.put("completed_at", now.toString());
        return summary;
    }

    private static BigDecimal round(double dollars) {
        return BigDecimal.valueOf(dollars).setScale(6, RoundingMode.HALF_UP);
    }

    private static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void cleanUp(Source source, List<BatchSource> batches) {
        try {
            WorkFolder.deleteTree(work.source(source.id()));
            for (BatchSource row : batches) {
                if (store.inTransaction(c -> Batches.allSourcesDelivered(c, row.batchId()))) {
                    WorkFolder.deleteTree(work.batch(row.batchId()));
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not clean up the work files of source {}", source.id(), e);
        }
    }

    /** Counts of one delivery. */
    private static final class Tally {
        int records;
        int succeeded;
        int failed;
        int invalid;
        int expired;
        int errors;
        long promptTokens;
        long completionTokens;
        double realtimeCost;
        boolean unpriced;
    }

    /** Walks a source's records in order and writes its results and errors. */
    private final class Writing implements AutoCloseable {

        private final Source source;
        private final Tally tally;
        private final RecordIndex.Reader index;
        private final Slots slots;
        private final OutputStream results;
        private final OutputStream errors;
        private final Map<String, FileChannel> files = new HashMap<>();
        private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

        Writing(Source source, Path results, Path errors, Tally tally) throws IOException {
            this.source = source;
            this.tally = tally;
            Files.createDirectories(work.source(source.id()));
            Path records = work.records(source.id());
            if (!Files.exists(records)) {
                Files.createFile(records);
            }
            this.index = new RecordIndex.Reader(records);
            this.slots = new Slots(work.slots(source.id()));
            this.results = new BufferedOutputStream(Files.newOutputStream(results), 256 * 1024);
            this.errors = new BufferedOutputStream(Files.newOutputStream(errors), 64 * 1024);
        }

        void all() throws IOException {
            int ordinal = 0;
            RecordIndex.Entry entry;
            while ((entry = index.next()) != null) {
                if (entry.wholeFile()) {
                    error(entry, entry.code(), entry.message());
                    continue;
                }
                tally.records++;
                if (entry.valid()) {
                    result(entry, slots.get(ordinal));
                } else {
                    tally.invalid++;
                    ObjectNode line = JSON.createObjectNode();
                    line.putNull("id");
                    line.put("custom_id", entry.customId());
                    line.putNull("response");
                    line.putObject("error").put("code", entry.code()).put("message", entry.message());
                    write(results, line);
                    error(entry, entry.code(), entry.message());
                }
                ordinal++;
            }
        }

        private void result(RecordIndex.Entry entry, Slots.Slot slot) throws IOException {
            ObjectNode line;
            if (slot.empty()) {
                line = JSON.createObjectNode();
                line.putNull("id");
                line.put("custom_id", entry.customId());
                line.putNull("response");
                line.putObject("error").put("code", "missing_result")
                        .put("message", "Batchline has no result for this record.");
                LOG.warn("Source {} line {}: no result was filed", source.id(), entry.line());
            } else {
                line = (ObjectNode) JSON.readTree(read(slot), 0, slot.length());
                line.put("custom_id", entry.customId());
            }
            write(results, line);
            JsonNode response = line.path("response");
            int status = response.path("status_code").asInt(0);
            if (status >= 200 && status < 300 && line.path("error").isNull()) {
                tally.succeeded++;
                JsonNode body = response.path("body");
                JsonNode usage = body.path("usage");
                long prompt = usage.path("prompt_tokens").asLong(usage.path("input_tokens").asLong());
                long completion = usage.path("completion_tokens").asLong(usage.path("output_tokens").asLong());
                tally.promptTokens += prompt;
                tally.completionTokens += completion;
                Double cost = prices.realtime(body.path("model").asText(null), prompt, completion);
                if (cost == null) {
                    tally.unpriced = true;
                } else {
                    tally.realtimeCost += cost;
                }
                return;
            }
            tally.failed++;
            JsonNode error = line.path("error").isObject() ? line.path("error") : response.path("body").path("error");
            String code = error.path("code").asText(null);
            if (code == null || code.isEmpty()) {
                code = status > 0 ? "http_" + status : "failed";
            }
            if (code.equals("batch_expired")) {
                tally.expired++;
            }
            error(entry, code, error.path("message").asText(status > 0 ? "HTTP " + status : "The request failed."));
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

        private byte[] read(Slots.Slot slot) throws IOException {
            Path file = switch (slot.kind()) {
                case Slots.OUTPUT -> work.output(slot.batchId());
                case Slots.ERROR -> work.errors(slot.batchId());
                default -> work.failures(source.id());
            };
            FileChannel channel = files.computeIfAbsent(file.toString(), name -> {
                try {
                    return FileChannel.open(file, StandardOpenOption.READ);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (buffer.capacity() < slot.length()) {
                buffer = ByteBuffer.allocate(slot.length());
            }
            buffer.clear().limit(slot.length());
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, slot.offset() + buffer.position()) < 0) {
                    throw new IOException(file + " ends before the result at " + slot.offset());
                }
            }
            return buffer.array();
        }

        private void write(OutputStream out, JsonNode line) throws IOException {
            out.write(JSON.writeValueAsBytes(line));
            out.write('\n');
        }

        @Override
        public void close() throws IOException {
            results.close();
            errors.close();
            index.close();
            slots.close();
            for (FileChannel channel : new ArrayList<>(files.values())) {
                channel.close();
            }
        }
    }
}
