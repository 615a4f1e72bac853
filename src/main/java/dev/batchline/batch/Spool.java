package dev.batchline.batch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.batchline.state.BatchRecord;
import dev.batchline.work.FileSink;

/**
 * An open batch: a JSONL file under the work folder that requests are appended to until it is sealed. It counts
 * its requests and bytes and which sources they came from; only what a checkpoint committed counts after a restart.
 */
public final class Spool {

    private final BatchRecord record;
    private final BatchKey key;
    private final FileSink out;
    private final Map<Long, Integer> requestsBySource;
    /** The sources whose count changed since the last commit: only those are saved at the next. */
    private final Set<Long> changed = new HashSet<>();
    private final long openedAt;
    private long lastSource = -1;
    private int lastSourceRequests;
    private long bytes;
    private int requests;
    private boolean dirty;
    private boolean open = true;

    Spool(BatchRecord record, Path file, Map<Long, Integer> requestsBySource) throws IOException {
        this.record = record;
        this.key = new BatchKey(record.endpoint(), record.model());
        this.out = new FileSink(file, record.bytes());
        this.bytes = record.bytes();
        this.requests = record.requests();
        this.requestsBySource = new HashMap<>(requestsBySource);
        this.openedAt = record.openedAt().toEpochMilli();
    }

    public long id() {
        return record.id();
    }

    public BatchKey key() {
        return key;
    }

    public int requests() {
        return requests;
    }

    public long bytes() {
        return bytes;
    }

    /** When the batch was opened, in epoch millis: its age decides when it is sealed at the latest. */
    public long openedAt() {
        return openedAt;
    }

    boolean dirty() {
        return dirty;
    }

    /** The requests of each source whose count changed since the last commit (a spool takes many small sources). */
    Map<Long, Integer> changedRequestsBySource() {
        countLastSource();
        Map<Long, Integer> counts = new HashMap<>();
        for (long source : changed) {
            counts.put(source, requestsBySource.get(source));
        }
        return counts;
    }

    /** Appends one request line (ending in a newline) of the given source. */
    public void append(long sourceId, byte[] line, int length) throws IOException {
        out.write(line, 0, length);
        bytes += length;
        requests++;
        if (sourceId != lastSource) {
            countLastSource();
            lastSource = sourceId;
        }
        lastSourceRequests++;
        dirty = true;
    }

    /** Records arrive a source at a time: they are counted per source only when the source changes. */
    private void countLastSource() {
        if (lastSourceRequests > 0) {
            requestsBySource.merge(lastSource, lastSourceRequests, Integer::sum);
            changed.add(lastSource);
            lastSourceRequests = 0;
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    void committed() {
        dirty = false;
        changed.clear();
    }

    /** False once the spool is sealed or closed. */
    public boolean open() {
        return open;
    }

    void close() throws IOException {
        open = false;
        out.close();
    }
}
