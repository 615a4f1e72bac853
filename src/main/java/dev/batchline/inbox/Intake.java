package dev.batchline.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.batchline.batch.BatchKey;
import dev.batchline.batch.Spool;
import dev.batchline.batch.Spools;
import dev.batchline.inbox.RecordFormat.Invalid;
import dev.batchline.inbox.RecordFormat.Parsed;
import dev.batchline.inbox.RecordFormat.Request;
import dev.batchline.jsonl.JsonlReader;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.work.RecordIndex;
import dev.batchline.work.RequestId;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one inbox file as a source: reads it as a stream, line by line, gives every record an ordinal, appends each
 * valid request to the open batch of its endpoint and model, and notes every invalid one with its line and reason.
 * Progress is committed at checkpoints (whenever a batch is sealed, and at the end), so a source cut off by a crash
 * is resumed from its last checkpoint, and a file already taken is not taken twice.
 */
public final class Intake extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final StateStore store;
    private final Spools spools;
    private final WorkFolder work;
    private final String owner;
    private final Path inbox;
    private final RecordFormat format;
    private final int maxLineBytes;
    private final long maxFileBytes;
    private final Clock clock;
    /** The source being read now, which {@link #recover} leaves alone (it may run at a checkpoint of the read). */
    private long reading = -1;
    /** The open batches files were read into since the last look ended; the records of streams do not seal a batch. */
    private final Set<Spool> filled = new HashSet<>();

    /** The intake of one instance ({@code owner}, which owns the sources it reads). */
    public Intake(StateStore store, Spools spools, WorkFolder work, String owner, Path inbox, RecordFormat format,
                  int maxLineBytes, long maxFileBytes, Clock clock) {
        this.store = store;
        this.spools = spools;
        this.work = work;
        this.owner = owner;
        this.inbox = inbox;
        this.format = format;
        this.maxLineBytes = maxLineBytes;
        this.maxFileBytes = maxFileBytes;
        this.clock = clock;
    }

    @Override
    protected void doStart() {
        recover();
    }

    /**
     * At start, and after taking over the work of an instance that died: a source that was being read when it
     * stopped is resumed when its file comes round again; one whose file is gone from the inbox (or changed) is
     * finished with what was read and an error saying so.
     */
    public void recover() {
        spools.lock().lock();
        try {
            for (Source source : store.inTransaction(c -> Sources.withStatus(c, Sources.FILE, Source.INGESTING,
                    owner))) {
                if (source.id() == reading) {
                    continue;
                }
                Path file = inbox.resolve(source.name());
                if (Files.isRegularFile(file) && identity(file, source.name()).equals(identityOf(source))) {
                    continue;
                }
                LOG.warn("Source {} ({}) was being read when Batchline stopped and its file is gone or changed:"
                         + " finishing it with the {} records read", source.id(), source.name(), source.records());
                new Run(source, file).refuse("vanished\nThe file left the inbox or changed before it was read to"
                                             + " the end; the records up to line " + (source.nextLine() - 1)
                                             + " were taken.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Recovering sources that were being read failed", e);
        } finally {
            spools.lock().unlock();
        }
    }

    @Override
    protected void doStop() {
        // nothing held between files
    }

    private static String identity(Path file, String name) throws IOException {
        return Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "|" + name;
    }

    private String identityOf(Source source) {
        return store.inTransaction(c -> Sources.identity(c, source.id()));
    }

    /**
     * Ingests the inbox file of the exchange (from Camel's file consumer); what it leaves in open batches is sealed
     * when the consumer's look into the inbox ends ({@link #inboxLookEnded}).
     */
    public void ingest(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader(FileConstants.FILE_NAME, String.class).replace('\\', '/');
        Path file = Path.of(exchange.getMessage().getHeader(FileConstants.FILE_PATH, String.class));
        long size = exchange.getMessage().getHeader(FileConstants.FILE_LENGTH, 0L, Long.class);
        long modified = exchange.getMessage().getHeader(FileConstants.FILE_LAST_MODIFIED, 0L, Long.class);
        ingest(file, name, size, modified, false);
    }

    /**
     * One look into the inbox has ended: every file it could take is taken (a file still changing is left for a
     * later look), so the open batches holding records have nothing more coming from the inbox and are sealed.
     */
    public void inboxLookEnded() throws IOException {
        spools.lock().lock();
        try {
            sealAll("the inbox has nothing more for it");
        } finally {
            spools.lock().unlock();
        }
    }

    /**
     * Ingests a file directly (the file consumer goes through {@link #ingest(Exchange)}; benchmarks call this);
     * with {@code lastOfPoll}, the open batches are sealed afterwards.
     */
    public void ingest(Path file, String name, long size, long modified, boolean lastOfPoll) throws IOException {
        String identity = size + "|" + modified + "|" + name;
        spools.lock().lock();
        try {
            Optional<Source> known = store.inTransaction(c -> Sources.findByIdentity(c, identity));
            if (known.isPresent() && !known.get().status().equals(Source.INGESTING)) {
                LOG.warn("Skipping {}: this file (same name, size and time) was taken already as source {}; touch or"
                         + " rename it to process it again", name, known.get().id());
                return;
            }
            Source source;
            if (known.isPresent()) {
                source = known.get();
                store.inTransaction(c -> {
                    Sources.claim(c, source.id(), owner); // the inbox gives a file to one instance at a time
                    return null;
                });
                LOG.info("Resuming source {} ({}) at line {}", source.id(), name, source.nextLine());
            } else {
                source = store.inTransaction(c -> Sources.create(c, name, identity, owner, clock.instant()));
                LOG.info("Taking {} as source {}", name, source.id());
            }
            String refusal = refusal(file, name, size);
            if (refusal != null) {
                new Run(source, file).refuse(refusal);
                throw new RefusedFileException(name + ": " + refusal.substring(refusal.indexOf('\n') + 1));
            }
            reading = source.id();
            try {
                new Run(source, file).read();
            } finally {
                reading = -1;
            }
        } finally {
            try {
                if (lastOfPoll) {
                    sealAll("the inbox has nothing more for it");
                }
            } finally {
                spools.lock().unlock();
            }
        }
    }

    /** Why the file cannot be taken at all ({@code code\nmessage}), or null. */
    private String refusal(Path file, String name, long size) {
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return "not_a_regular_file\nOnly regular files are taken from the inbox, not links or special files.";
        }
        if (!name.toLowerCase(Locale.ROOT).endsWith(".jsonl")) {
            return "unsupported_file_type\nBatchline takes *.jsonl files (one JSON record per line); this file was"
                   + " not read.";
        }
        if (size > maxFileBytes) {
            return "file_too_large\nThe file has " + size + " bytes; the limit is " + maxFileBytes
                   + " (batchline.inbox.max-file-bytes).";
        }
        return null;
    }

    /** A file the inbox does not take: it moves to .failed/ and its error is in the outbox. */
    static final class RefusedFileException extends IOException {
        RefusedFileException(String message) {
            super(message);
        }
    }

    private void sealAll(String reason) throws IOException {
        List<Spool> waiting = spools.nonEmpty().stream().filter(filled::contains).toList();
        filled.clear();
        if (!waiting.isEmpty()) {
            spools.sealNow(waiting, reason);
        }
    }

    /** The reading of one source, from its last checkpoint to its end. */
    private final class Run {

        private final Source source;
        private final Path file;
        private final String fallbackPrefix;
        private final LineBuffer line = new LineBuffer();
        private SeenIds seen;
        private Spool lastSpool;
        private long offset;
        private int nextLine;
        private int records;
        private int invalid;
        private RecordIndex.Writer index;

        Run(Source source, Path file) {
            this.source = source;
            this.file = file;
            this.fallbackPrefix = source.baseName() + "-";
            this.offset = source.readOffset();
            this.nextLine = source.nextLine();
            this.records = source.records();
            this.invalid = source.invalid();
        }

        void read() throws IOException {
            try (SeenIds ids = new SeenIds(work.ids(source.id()), expectedRecords(file))) {
                seen = ids;
                rememberIds();
                try (RecordIndex.Writer writer = new RecordIndex.Writer(work.records(source.id()),
                        source.recordsBytes())) {
                    index = writer;
                    try (JsonlReader reader = new JsonlReader(file, offset, nextLine, maxLineBytes)) {
                        while (reader.next()) {
                            take(reader);
                        }
                    } catch (IOException e) {
                        LOG.warn("Source {} ({}) cannot be read past line {}: {}", source.id(), source.name(),
                                nextLine, e.toString());
                        index.invalid(0, null, "unreadable", "The file could not be read from line " + nextLine
                                                             + " on: " + e.getMessage());
                        checkpoint(List.of(), true, "");
                        throw e;
                    }
                    checkpoint(List.of(), true, "");
                }
            }
            LOG.info("Source {} ({}) taken: {} records, {} invalid", source.id(), source.name(), records, invalid);
        }

        /** Records that the whole file was refused, with why, so the outbox says it. */
        void refuse(String reason) throws IOException {
            String[] codeAndMessage = reason.split("\n", 2);
            try (RecordIndex.Writer writer = new RecordIndex.Writer(work.records(source.id()), source.recordsBytes())) {
                index = writer;
                index.invalid(0, null, codeAndMessage[0], codeAndMessage[1]);
                checkpoint(List.of(), true, "");
            }
            LOG.warn("Source {} ({}) refused: {}", source.id(), source.name(), codeAndMessage[1]);
        }

        /** After a restart: the ids of the records read before the checkpoint, so repeats are still found. */
        private void rememberIds() throws IOException {
            if (source.records() == 0 || !Files.exists(work.records(source.id()))) {
                return;
            }
            try (RecordIndex.Reader reader = new RecordIndex.Reader(work.records(source.id()), source.recordsBytes())) {
                RecordIndex.Entry entry;
                while ((entry = reader.next()) != null) {
                    if (entry.valid()) {
                        seen.firstLine(entry.customId(), entry.line());
                    }
                }
            }
        }

        private void take(JsonlReader reader) throws IOException {
            if (reader.blank()) {
                advance(reader);
                return;
            }
            int lineNumber = reader.number();
            int ordinal = records;
            Parsed parsed = reader.tooLong()
                    ? new Invalid(null, "line_too_long", "The line has " + reader.lineBytes() + " bytes; the limit is "
                                                         + maxLineBytes + " (batchline.inbox.max-line-bytes).")
                    : format.parse(reader.bytes(), reader.length(), fallbackPrefix, lineNumber,
                            new RequestId(source.id(), ordinal, 1), line);
            if (parsed instanceof Invalid bad) {
                invalid(reader, bad);
                return;
            }
            Request request = (Request) parsed;
            int firstLine = seen.firstLine(request.customId(), lineNumber);
            if (firstLine != 0) {
                invalid(reader, new Invalid(request.customId(), "duplicate_custom_id", "The custom_id '"
                        + request.customId() + "' is already used on line " + firstLine + " of this file."));
                return;
            }
            Spool spool = lastSpool;
            if (spool == null || !spool.open() || !spool.key().model().equals(request.model())
                || !spool.key().endpoint().equals(request.endpoint())) {
                BatchKey key = new BatchKey(request.endpoint(), request.model());
                if (!spools.hasRoomFor(key)) {
                    invalid(reader, new Invalid(request.customId(), "too_many_batches", "This record needs a batch"
                            + " for " + request.endpoint() + " and model '" + request.model() + "', but "
                            + spools.openCount() + " batches are open already (batchline.batch.max-open)."));
                    return;
                }
                spool = spools.spoolFor(key);
                lastSpool = spool;
                filled.add(spool);
            }
            if (!spools.fits(spool, line.size())) {
                checkpoint(List.of(spool), false, "full");
                spool = spools.spoolFor(spool.key());
                lastSpool = spool;
                filled.add(spool);
            }
            spool.append(source.id(), line.bytes(), line.size());
            index.valid(lineNumber, request.customId());
            records++;
            advance(reader);
            String reason = spools.sealReason(spool, clock.millis());
            if (reason != null) {
                checkpoint(List.of(spool), false, reason);
            }
        }

        private void invalid(JsonlReader reader, Invalid bad) throws IOException {
            index.invalid(reader.number(), bad.customId(), bad.code(), bad.message());
            invalid++;
            records++;
            LOG.debug("Source {} line {}: {} {}", source.id(), reader.number(), bad.code(), bad.message());
            advance(reader);
        }

        /** About how many records the file holds, from its size, so the id table need not grow while reading. */
        private static long expectedRecords(Path file) {
            try {
                return Files.size(file) / 250;
            } catch (IOException e) {
                return 0;
            }
        }

        private void advance(JsonlReader reader) {
            offset = reader.end();
            nextLine = reader.number() + 1;
        }

        /** Commits where the source stands and what the open batches hold, sealing the given ones. */
        private void checkpoint(List<Spool> seal, boolean ended, String reason) throws IOException {
            long indexBytes = index.flush();
            spools.flush();
            store.inTransaction(c -> {
                Sources.requireOwner(c, source.id(), owner);
                Sources.saveProgress(c, source.id(), offset, nextLine, records, invalid, indexBytes,
                        ended ? clock.instant() : null);
                spools.commit(c, seal, clock.instant());
                return null;
            });
            spools.committed(new ArrayList<>(seal), reason);
            // everything is committed here: records sent to a stream meanwhile go into the open batches now, instead
            // of waiting for the end of a long file
            if (spools.lock().hasQueuedThreads()) {
                spools.lock().unlock();
                spools.lock().lock();
            }
        }
    }
}
