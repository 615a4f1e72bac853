package dev.batchline.local;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.jsonl.JsonlReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one batch through its life, step by step: validating, in_progress (requests executed in windows whose order
 * is shuffled, so the output is not in input order, as OpenAI's is not), finalizing, completed; or failed, expired,
 * cancelled. Every step saves the batch before it returns, and output written past the saved point is cut off on
 * resume, so a restart of the provider neither loses nor repeats a result.
 */
final class BatchRun {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRun.class);
    private static final int WINDOW = 64;
    private static final int UNLIMITED_CHUNK = 512;
    private static final long MIN_STEP_MILLIS = 50;

    private final Batch batch;
    private final BatchRunner runner;
    private final Path dir;
    private final Clock clock;

    private Window window;
    private FileChannel input;
    private Writer output;
    private Writer errors;

    /** Line positions of the current window and the order in which they run. */
    private record Window(long[] offsets, int[] lengths, int[] lineNumbers, int[] order, long end, int nextLine) {
        int size() {
            return order.length;
        }
    }

    BatchRun(Batch batch, BatchRunner runner, Path runsDir, Clock clock) {
        this.batch = batch;
        this.runner = runner;
        this.dir = runsDir.resolve(batch.id);
        this.clock = clock;
    }

    /** One step; returns millis until the next one, or -1 to wait until woken. */
    long step() {
        long now = clock.millis();
        String status = batch.status();
        boolean held = status.equals(runner.holdStatus());
        try {
            switch (status) {
                case "validating":
                    if (now >= batch.expiresAt) {
                        return expire(now);
                    }
                    if (held) {
                        return batch.expiresAt - now;
                    }
                    long due = batch.createdAt + runner.settings().validatingDelay().toMillis();
                    if (now < due) {
                        return due - now;
                    }
                    return validate(now);
                case "in_progress":
                    int early = runner.expireAfterRequests();
                    if (now >= batch.expiresAt || early >= 0 && batch.progress().executed() >= early) {
                        return expire(now);
                    }
                    if (held) {
                        return batch.expiresAt - now;
                    }
                    return execute();
                case "finalizing":
                    return held ? -1 : endAfter("completed", batch.finalizingAt(),
                            runner.settings().finalizingDelay().toMillis(), now);
                case "cancelling":
                    return held ? -1 : endAfter("cancelled", batch.cancellingAt(),
                            runner.settings().cancellingDelay().toMillis(), now);
                default:
                    closeWriters();
                    return -1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Local provider: batch " + batch.id + " could not take its next step", e);
        }
    }

    private long validate(long now) throws IOException {
        Path input = runner.files().content(batch.inputFileId);
        if (runner.files().find(batch.inputFileId).isEmpty() || !Files.exists(input)) {
            ObjectNode error = Json.MAPPER.createObjectNode().put("code", "file_not_found")
                    .put("message", "The input file " + batch.inputFileId + " no longer exists.");
            error.putNull("param");
            error.putNull("line");
            batch.fail(now, Json.MAPPER.createArrayNode().add(error));
            runner.save(batch);
            return -1;
        }
        BatchInputCheck.Result result = runner.inputCheck().check(input, Files.size(input), batch.endpoint);
        if (!result.passed()) {
            batch.fail(now, result.errors());
            runner.save(batch);
            LOG.info("Local provider: batch {} failed validation with {} error(s)", batch.id, result.errors().size());
            return -1;
        }
        batch.startRunning(now, result.model(), result.requests());
        runner.save(batch);
        return 0;
    }

    private long execute() throws IOException {
        int rate = runner.settings().requestsPerSecond();
        long interval = rate == 0 ? 0 : Math.max(MIN_STEP_MILLIS, 1000L / rate);
        int budget = rate == 0 ? UNLIMITED_CHUNK : (int) Math.max(1, rate * interval / 1000);
        openWriters();
        Batch.Progress progress = batch.progress();
        int earlyExpiry = runner.expireAfterRequests();
        while (budget > 0 && progress.executed() < progress.total) {
            if (earlyExpiry >= 0) {
                budget = Math.min(budget, earlyExpiry - progress.executed());
                if (budget <= 0) {
                    break;
                }
            }
            Window current = window();
            if (current.size() == 0) {
                break;
            }
            int from = progress.windowDone;
            int to = Math.min(current.size(), from + budget);
            int completed = 0;
            int failed = 0;
            long inputTokens = 0;
            long outputTokens = 0;
            for (int i = from; i < to; i++) {
                int index = current.order()[i];
                JsonNode request = readLine(current.offsets()[index], current.lengths()[index]);
                String customId = request.path("custom_id").asText();
                Model.Answer answer = runner.model().answer(batch.endpoint, request.path("body"));
                inputTokens += answer.inputTokens();
                outputTokens += answer.outputTokens();
                if (answer.ok()) {
                    completed++;
                    output.line(customId, answer.status(), answer.body());
                } else {
                    failed++;
                    errors.line(customId, answer.status(), answer.body());
                }
            }
            budget -= to - from;
            long outputBytes = output.flush();
            long errorBytes = errors.flush();
            synchronized (batch) {
                progress.completed += completed;
                progress.failed += failed;
                progress.inputTokens += inputTokens;
                progress.outputTokens += outputTokens;
                progress.outputBytes = outputBytes;
                progress.errorBytes = errorBytes;
                progress.windowDone = to;
                if (to == current.size()) {
                    progress.windowStart = current.end();
                    progress.windowLine = current.nextLine();
                    progress.windowIndex++;
                    progress.windowDone = 0;
                    window = null;
                }
            }
        }
        runner.save(batch);
        if (progress.executed() >= progress.total && batch.startFinalizing(clock.millis())) {
            closeWriters();
            runner.save(batch);
            return runner.settings().finalizingDelay().toMillis();
        }
        return interval;
    }

    /** Ends an expired batch: what ran is in the output; every request that did not run is a batch_expired error. */
    private long expire(long now) throws IOException {
        openWriters();
        Batch.Progress progress = batch.progress();
        Path input = runner.files().content(batch.inputFileId);
        if (Files.exists(input)) {
            if (batch.status().equals("in_progress")) {
                Window current = window();
                for (int i = progress.windowDone; i < current.size(); i++) {
                    int index = current.order()[i];
                    expired(readLine(current.offsets()[index], current.lengths()[index]));
                }
            }
            long start = batch.status().equals("in_progress") && window != null ? window.end() : 0;
            int line = batch.status().equals("in_progress") && window != null ? window.nextLine() : 1;
            try (JsonlReader lines = new JsonlReader(input, start, line)) {
                while (lines.next()) {
                    if (!lines.blank()) {
                        try {
                            expired(Json.MAPPER.readTree(lines.bytes(), 0, lines.length()));
                        } catch (IOException e) {
                            LOG.debug("Local provider: skipping unreadable line {} of expired batch {}",
                                    lines.number(), batch.id);
                        }
                    }
                }
            }
        }
        long errorBytes = errors.flush();
        synchronized (batch) {
            progress.errorBytes = errorBytes;
        }
        LOG.info("Local provider: batch {} expired after {} of {} requests", batch.id, progress.executed(),
                progress.total);
        return end("expired", now);
    }

    private void expired(JsonNode request) throws IOException {
        errors.error(request.path("custom_id").asText(), "batch_expired",
                "This request could not be executed before the completion window expired.");
    }

    private long endAfter(String status, long since, long delay, long now) throws IOException {
        if (now < since + delay) {
            return since + delay - now;
        }
        return end(status, now);
    }

    /** Publishes what was written as the batch's output and error files and ends the batch. */
    private long end(String status, long now) throws IOException {
        closeWriters();
        Batch.Progress progress = batch.progress();
        String outputFileId = publish("output", progress.outputBytes);
        String errorFileId = publish("error", progress.errorBytes);
        batch.end(status, now, outputFileId, errorFileId);
        runner.save(batch);
        deleteRunFolder();
        return -1;
    }

    private String publish(String kind, long bytes) throws IOException {
        if (bytes == 0) {
            return null;
        }
        String id = "file-" + UUID.nameUUIDFromBytes((batch.id + "/" + kind).getBytes(StandardCharsets.UTF_8))
                .toString().replace("-", "").substring(0, 22);
        Path part = dir.resolve(kind + ".jsonl");
        if (Files.exists(part)) {
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.truncate(bytes);
            }
        }
        return runner.files().add(id, part, "batch_" + batch.id + "_" + kind + ".jsonl", "batch_output",
                batch.outputExpiresAfterSeconds).id();
    }

    private Window window() throws IOException {
        if (window != null) {
            return window;
        }
        Batch.Progress progress = batch.progress();
        List<long[]> lines = new ArrayList<>(WINDOW);
        long end = progress.windowStart;
        int nextLine = progress.windowLine;
        try (JsonlReader reader = new JsonlReader(runner.files().content(batch.inputFileId), progress.windowStart,
                progress.windowLine)) {
            while (lines.size() < WINDOW && reader.next()) {
                if (!reader.blank()) {
                    lines.add(new long[] {reader.offset(), reader.length(), reader.number()});
                }
                end = reader.end();
                nextLine = reader.number() + 1;
            }
        }
        int size = lines.size();
        long[] offsets = new long[size];
        int[] lengths = new int[size];
        int[] numbers = new int[size];
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            offsets[i] = lines.get(i)[0];
            lengths[i] = (int) lines.get(i)[1];
            numbers[i] = (int) lines.get(i)[2];
            order[i] = i;
        }
        Random random = new Random(batch.id.hashCode() * 31L + progress.windowIndex);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        window = new Window(offsets, lengths, numbers, order, end, nextLine);
        return window;
    }

    private JsonNode readLine(long offset, int length) throws IOException {
        if (input == null) {
            input = FileChannel.open(runner.files().content(batch.inputFileId), StandardOpenOption.READ);
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (input.read(buffer, offset + buffer.position()) < 0) {
                break;
            }
        }
        return Json.MAPPER.readTree(buffer.array(), 0, buffer.position());
    }

    private void openWriters() throws IOException {
        if (output == null) {
            Files.createDirectories(dir);
            output = new Writer(dir.resolve("output.jsonl"), batch.progress().outputBytes);
            errors = new Writer(dir.resolve("error.jsonl"), batch.progress().errorBytes);
        }
    }

    private void closeWriters() throws IOException {
        if (input != null) {
            input.close();
            input = null;
        }
        if (output != null) {
            output.close();
            errors.close();
            output = null;
            errors = null;
        }
    }

    private void deleteRunFolder() throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Appends output lines in OpenAI's shape to a run file, cut back first to what the batch record accounts for. */
    private static final class Writer implements AutoCloseable {

        private final FileChannel channel;
        private final JsonGenerator json;

        Writer(Path file, long validBytes) throws IOException {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(validBytes);
            channel.position(validBytes);
            json = Json.MAPPER.createGenerator(
                    new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024));
            json.setRootValueSeparator(null);
        }

        void line(String customId, int status, JsonNode body) throws IOException {
            json.writeStartObject();
            json.writeStringField("id", Ids.batchRequest());
            json.writeStringField("custom_id", customId);
            json.writeObjectFieldStart("response");
            json.writeNumberField("status_code", status);
            json.writeStringField("request_id", Ids.request());
            json.writeFieldName("body");
            json.writeTree(body);
            json.writeEndObject();
            json.writeNullField("error");
            json.writeEndObject();
            json.writeRaw('\n');
        }

        void error(String customId, String code, String message) throws IOException {
            json.writeStartObject();
            json.writeStringField("id", Ids.batchRequest());
            json.writeStringField("custom_id", customId);
            json.writeNullField("response");
            json.writeObjectFieldStart("error");
            json.writeStringField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
            json.writeEndObject();
            json.writeRaw('\n');
        }

        /** Flushes and returns the file's length. */
        long flush() throws IOException {
            json.flush();
            return channel.position();
        }

        @Override
        public void close() throws IOException {
            json.close();
        }
    }
}
