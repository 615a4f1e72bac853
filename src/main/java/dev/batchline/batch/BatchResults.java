package dev.batchline.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.batchline.jsonl.JsonlReader;
import dev.batchline.failure.FailureClass;
import dev.batchline.failure.Failures;
import dev.batchline.failure.Waits;
import dev.batchline.provider.ProviderClient;
import dev.batchline.provider.ProviderFiles;
import dev.batchline.provider.Providers;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.BatchSource;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.RequestId;
import dev.batchline.work.ResultLine;
import dev.batchline.work.Slots;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a provider batch has ended: its output and error files are downloaded, every result is filed
 * in its source's slots, and records that did not get a final answer (expired, cancelled, dropped by a failed
 * batch, failed with a retryable status, or in a batch the provider lost) go into a new batch, up to
 * {@code maxAttempts}; after that they are failed with the provider's reason. A batch the provider refused for good
 * has each of its records failed with the provider's code and message; one it refused as too large is split in two
 * ({@link BatchSplit}). Processing a batch again after a crash gives the same result. The {@code file-results}
 * route calls it one batch per exchange.
 */
public final class BatchResults {

    private static final Logger LOG = LoggerFactory.getLogger(BatchResults.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Counts per source: succeeded, failed, resubmitted, resubmitted because the batch was lost. */
    private static final int SUCCEEDED = 0;
    private static final int FAILED = 1;
    private static final int RETRIED = 2;
    private static final int LOST = 3;

    private final StateStore store;
    private final String owner;
    private final WorkFolder work;
    private final ProviderClient client;
    private final Providers providers;
    private final ProviderFiles files;
    private final BatchSplit split;
    private final Waits waits;
    private final int maxAttempts;
    private final Clock clock;

    /** Files the results of the batches {@code owner} (an instance) owns. */
    public BatchResults(StateStore store, String owner, WorkFolder work, ProviderClient client, Providers providers,
                        ProviderFiles files, BatchSplit split, Waits waits, int maxAttempts, Clock clock) {
        this.store = store;
        this.owner = owner;
        this.work = work;
        this.client = client;
        this.providers = providers;
        this.files = files;
        this.split = split;
        this.waits = waits;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /** The ended batches to file now: neither they nor their provider wait. */
    public List<Long> due() {
        List<Long> due = new ArrayList<>();
        for (BatchRecord batch : store.inTransaction(c -> Batches.ownedWithStatus(c, owner, BatchRecord.ENDED))) {
            if (waits.batchReady(batch.id(), batch.provider())) {
                due.add(batch.id());
            }
        }
        return due;
    }

    /** Files the results of one ended batch, or splits it when the provider refused it as too large. */
    public void file(@Body long batchId) throws IOException {
        BatchRecord batch = store.inTransaction(c -> Batches.find(c, batchId)).orElseThrow();
        if (!batch.status().equals(BatchRecord.ENDED)) {
            return;
        }
        JsonNode errors = batch.errors() == null ? JSON.createArrayNode() : JSON.readTree(batch.errors());
        FailureClass failure = Failures.ofEnded(batch, errors);
        if (failure == FailureClass.TOO_LARGE && batch.requests() > 1) {
            split.split(batch, errors);
            files.deleteFilesOf(batch);
            return;
        }
        process(batch, failure, errors);
    }

    void process(BatchRecord batch, FailureClass failure, JsonNode errors) throws IOException {
        Path output = fetch(batch, batch.outputFileId(), work.output(batch.id()));
        Path errorLines = fetch(batch, batch.errorFileId(), work.errors(batch.id()));
        try (Filing filing = new Filing(batch, failure, errors)) {
            if (output != null) {
                filing.fileLines(output, Slots.OUTPUT);
            }
            if (errorLines != null) {
                filing.fileLines(errorLines, Slots.ERROR);
            }
            filing.fileUnanswered();
            filing.commit();
        }
        files.deleteFilesOf(batch);
    }

    private Path fetch(BatchRecord batch, String fileId, Path target) {
        if (fileId == null) {
            return null;
        }
        if (!Files.exists(target)) {
            client.download(providers.of(batch), fileId, target);
        }
        return target;
    }

    /** Files one batch's results, per source, and gathers what to resubmit. */
    private final class Filing implements AutoCloseable {

        private final BatchRecord batch;
        private final FailureClass failure;
        private final Map<String, String[]> failedLines;
        private final String[] batchError;
        private final Map<Long, Slots> slots = new HashMap<>();
        private final Map<Long, FileChannel> failures = new HashMap<>();
        private final Map<Long, int[]> counts = new HashMap<>();
        private final Map<Long, long[]> tokens = new HashMap<>();
        private final Map<Long, Integer> retryBySource = new HashMap<>();
        private final Set<RequestId> answered;
        private final Set<RequestId> toRetry = new HashSet<>();
        private final Path retrySpool;
        private OutputStream retry;
        private int retried;
        private long retryBytes;

        Filing(BatchRecord batch, FailureClass failure, JsonNode errors) {
            this.batch = batch;
            this.failure = failure;
            this.answered = new HashSet<>(Math.max(16, batch.requests() * 4 / 3 + 1));
            this.retrySpool = work.batch(batch.id()).resolve("retry.jsonl");
            this.failedLines = new HashMap<>();
            String[] first = null;
            for (JsonNode error : errors) {
                String[] reason = {error.path("code").asText("batch_failed"), error.path("message").asText("")};
                if (error.hasNonNull("line")) {
                    failedLines.put(error.get("line").asText(), reason);
                }
                if (first == null) {
                    first = reason;
                }
            }
            this.batchError = first;
        }

        /** Files the lines of a downloaded output or error file. */
        void fileLines(Path file, byte kind) throws IOException {
            try (JsonlReader lines = new JsonlReader(file, 0, 1)) {
                while (lines.next()) {
                    if (lines.blank()) {
                        continue;
                    }
                    ResultLine line = ResultLine.scan(lines.bytes(), 0, lines.length());
                    RequestId id = RequestId.parse(line.customId());
                    if (id == null || !answered.add(id)) {
                        LOG.warn("{}: ignoring a result line with an unknown or repeated custom_id {}", batch.label(),
                                line.customId());
                        continue;
                    }
                    if (kind == Slots.OUTPUT && line.success()) {
                        slots(id.source()).put(id.ordinal(), Slots.OUTPUT, batch.id(), lines.offset(),
                                lines.length(), line.customIdStart(), line.customIdEnd());
                        count(id.source(), SUCCEEDED);
                        long[] sourceTokens = tokens.computeIfAbsent(id.source(), s -> new long[2]);
                        sourceTokens[0] += line.promptTokens();
                        sourceTokens[1] += line.completionTokens();
                    } else if (retryable(line.status()) && id.attempt() < maxAttempts) {
                        toRetry.add(id);
                    } else {
                        slots(id.source()).put(id.ordinal(), kind, batch.id(), lines.offset(), lines.length(),
                                line.customIdStart(), line.customIdEnd());
                        count(id.source(), FAILED);
                    }
                }
            }
        }

        /** Retryable: no HTTP answer at all (expired, cancelled, ...), or 408, 409, 429, 5xx. */
        private boolean retryable(int status) {
            return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
        }

        /**
         * Walks the input: resubmits the records to retry and those without any line, or fails them: with the
         * provider's reason when it refused the whole batch, or a line of it. When every request has its final
         * answer there is nothing to do.
         */
        void fileUnanswered() throws IOException {
            if (toRetry.isEmpty() && answered.size() >= batch.requests() && failedLines.isEmpty()
                && failure == null) {
                return;
            }
            boolean refusedWhole = (failure == FailureClass.REFUSED || failure == FailureClass.TOO_LARGE)
                                   && failedLines.isEmpty();
            Path input = work.resolve(batch.spool());
            try (JsonlReader lines = new JsonlReader(input, 0, 1)) {
                while (lines.next()) {
                    if (lines.blank()) {
                        continue;
                    }
                    RequestId id = RequestId.ofSpooledLine(lines.bytes(), lines.length());
                    if (id == null || answered.contains(id) && !toRetry.contains(id)) {
                        continue;
                    }
                    String[] rejected = failedLines.get(Integer.toString(lines.number()));
                    if (refusedWhole) {
                        fail(id, batchError != null ? batchError[0] : "refused", "The provider refused the batch"
                             + " of this request (" + batch.label() + ")"
                             + (batchError != null && !batchError[1].isEmpty() ? ": " + batchError[1] : "."));
                    } else if (rejected != null) {
                        fail(id, rejected[0], "The provider rejected this request: " + rejected[1]);
                    } else if (id.attempt() < maxAttempts) {
                        resubmit((ObjectNode) JSON.readTree(lines.bytes(), 0, lines.length()), id);
                    } else {
                        failUnanswered(id);
                    }
                }
            }
        }

        /** Fails a record that got no answer in its last attempt, with the reason its batch gave. */
        private void failUnanswered(RequestId id) throws IOException {
            String status = batch.providerStatus() == null ? "" : batch.providerStatus();
            String tried = " (attempt " + id.attempt() + " of " + maxAttempts + ", batch " + batch.providerBatchId()
                           + ")";
            switch (status) {
                case "expired" -> fail(id, "batch_expired", "The batch expired before this request ran" + tried
                                                            + ".");
                case "cancelled" -> fail(id, "batch_cancelled", "The batch was cancelled before this request ran"
                                                                + tried + ".");
                case "failed" -> fail(id, batchError != null ? batchError[0] : "batch_failed",
                        "The provider failed the batch" + tried + (batchError != null ? ": " + batchError[1] : "."));
                case BatchRecord.LOST -> fail(id, "batch_lost", "The provider lost the batch of this request"
                                                                + tried + ".");
                default -> fail(id, "missing_result", "The provider returned no result for this request" + tried
                                                      + ".");
            }
        }

        private void resubmit(ObjectNode line, RequestId id) throws IOException {
            if (retry == null) {
                Files.createDirectories(retrySpool.getParent());
                retry = new BufferedOutputStream(Files.newOutputStream(retrySpool), 64 * 1024);
            }
            line.put("custom_id", id.nextAttempt().text());
            byte[] bytes = JSON.writeValueAsBytes(line);
            retry.write(bytes);
            retry.write('\n');
            retryBytes += bytes.length + 1;
            retried++;
            retryBySource.merge(id.source(), 1, Integer::sum);
            count(id.source(), RETRIED);
            if (failure == FailureClass.LOST) {
                count(id.source(), LOST);
            }
        }

        private void fail(RequestId id, String code, String message) throws IOException {
            FileChannel channel = failures.computeIfAbsent(id.source(), source -> open(work.failures(source)));
            String prefix = "{\"id\":null,\"custom_id\":";
            ObjectNode error = JSON.createObjectNode().put("code", code).put("message", message);
            String line = prefix + "\"" + id.text() + "\",\"response\":null,\"error\":" + error + "}";
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            long offset;
            // two instances may file batches of one source at once (one took over the other's batches)
            try (FileLock appending = channel.lock()) {
                offset = channel.size();
                channel.write(ByteBuffer.wrap(bytes), offset);
            }
            slots(id.source()).put(id.ordinal(), Slots.FAILURE, batch.id(), offset, bytes.length - 1, prefix.length(),
                    prefix.length() + id.text().length() + 2);
            count(id.source(), FAILED);
        }

        private FileChannel open(Path file) {
            try {
                Files.createDirectories(file.getParent());
                return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Slots slots(long source) {
            return slots.computeIfAbsent(source, s -> {
                try {
                    return new Slots(work.slots(s));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        private void count(long source, int which) {
            counts.computeIfAbsent(source, s -> new int[4])[which]++;
        }

        void commit() throws IOException {
            if (retry != null) {
                retry.close();
                retry = null;
            }
            // on disk (and on the file server of a shared work folder) before the commit lets a delivery read them,
            // which may be another instance's
            for (Slots written : slots.values()) {
                written.force();
            }
            for (FileChannel written : failures.values()) {
                written.force(false);
            }
            store.inTransaction(c -> {
                Batches.requireOwner(c, batch.id(), owner);
                Long retryBatch = null;
                if (retried > 0) {
                    BatchRecord next = Batches.sealedRetry(c, batch, work.root().relativize(retrySpool).toString()
                            .replace('\\', '/'), retried, retryBytes, clock.instant());
                    Batches.saveSourceRequests(c, next.id(), retryBySource);
                    retryBatch = next.id();
                }
                for (BatchSource row : Batches.sourcesOf(c, batch.id())) {
                    int[] count = counts.getOrDefault(row.sourceId(), new int[4]);
                    long[] used = tokens.getOrDefault(row.sourceId(), new long[2]);
                    Batches.saveOutcome(c, new BatchSource(batch.id(), row.sourceId(), row.requests(),
                            count[SUCCEEDED], count[FAILED], count[RETRIED], count[LOST], used[0], used[1]));
                }
                Batches.markProcessed(c, batch.id(), clock.instant());
                int succeeded = counts.values().stream().mapToInt(count -> count[SUCCEEDED]).sum();
                int failed = counts.values().stream().mapToInt(count -> count[FAILED]).sum();
                LOG.info("Filed the results of {}, {}: {} succeeded, {} failed{}", batch.label(),
                        batch.providerStatus(), succeeded, failed,
                        retried > 0 ? ", " + retried + " resubmitted as batch " + retryBatch : "");
                return null;
            });
        }

        @Override
        public void close() throws IOException {
            if (retry != null) {
                retry.close();
            }
            for (Slots open : slots.values()) {
                open.close();
            }
            for (FileChannel channel : failures.values()) {
                channel.close();
            }
        }
    }
}
