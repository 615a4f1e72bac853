package dev.batchline.batch;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import dev.batchline.state.BatchRecord;

/**
 * An open batch: a JSONL file under the work folder that requests are appended to until it is sealed. It counts
 * its requests and bytes and which sources they came from; only what a checkpoint committed counts after a restart.
 */
public final class Spool {

    private final BatchRecord record;
    private final BatchKey key;
    private final FileChannel channel;
    private final OutputStream out;
    private final Map<Long, Integer> requestsBySource;
    private final long openedAt;
    private long bytes;
    private int requests;
    private boolean dirty;

    Spool(BatchRecord record, Path file, Map<Long, Integer> requestsBySource) throws IOException {
        this.record = record;
        this.key = new BatchKey(record.endpoint(), record.model());
        Files.createDirectories(file.getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.truncate(record.bytes());
        channel.position(record.bytes());
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
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

    Map<Long, Integer> requestsBySource() {
        return requestsBySource;
    }

    /** Appends one request line (ending in a newline) of the given source. */
    public void append(long sourceId, byte[] line, int length) throws IOException {
        out.write(line, 0, length);
        bytes += length;
        requests++;
        requestsBySource.merge(sourceId, 1, Integer::sum);
        dirty = true;
    }

    void flush() throws IOException {
        out.flush();
    }

    void committed() {
        dirty = false;
    }

    void close() throws IOException {
        out.close();
    }
}
