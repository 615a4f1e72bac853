package dev.batchline.work;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each record's result line is, by record ordinal: a fixed-size slot per record on disk, so that results
 * arriving in any order from any number of batches can be written out in input order without holding them in
 * memory. Slots are written through memory-mapped pages (no system call per record) and read back in order.
 * Writing a slot twice with the same value is harmless, which makes filing a batch again safe.
 */
public final class Slots implements Closeable {

    /** Kinds of result line a slot points to. */
    public static final byte EMPTY = 0;
    public static final byte OUTPUT = 1;
    public static final byte ERROR = 2;
    public static final byte FAILURE = 3;

    static final int SIZE = 1 + 8 + 8 + 4 + 4 + 4;
    private static final int SLOTS_PER_CHUNK = 1 << 16;
    private static final long CHUNK_BYTES = (long) SLOTS_PER_CHUNK * SIZE;

    /**
     * A record's result: a line of {@code length} bytes at {@code offset} in a batch's output or error file (or the
     * source's failures), whose {@code custom_id} value runs from {@code idStart} to {@code idEnd} in the line.
     */
    public record Slot(byte kind, long batchId, long offset, int length, int idStart, int idEnd) {
        public boolean empty() {
            return kind == EMPTY;
        }
    }

    private final FileChannel channel;
    private final Map<Integer, MappedByteBuffer> chunks = new HashMap<>();

    public Slots(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public void put(int ordinal, byte kind, long batchId, long offset, int length, int idStart, int idEnd)
            throws IOException {
        MappedByteBuffer chunk = chunk(ordinal);
        int at = (ordinal % SLOTS_PER_CHUNK) * SIZE;
        chunk.put(at, kind).putLong(at + 1, batchId).putLong(at + 9, offset).putInt(at + 17, length)
                .putInt(at + 21, idStart).putInt(at + 25, idEnd);
    }

    /** The slot of an ordinal: empty when nothing was filed for it. */
    public Slot get(int ordinal) throws IOException {
        long at = (long) ordinal * SIZE;
        if (at + SIZE > channel.size()) {
            return new Slot(EMPTY, 0, 0, 0, 0, 0);
        }
        MappedByteBuffer chunk = chunk(ordinal);
        int in = (ordinal % SLOTS_PER_CHUNK) * SIZE;
        return new Slot(chunk.get(in), chunk.getLong(in + 1), chunk.getLong(in + 9), chunk.getInt(in + 17),
                chunk.getInt(in + 21), chunk.getInt(in + 25));
    }

    /** The mapped chunk of the file that holds the ordinal's slot. */
    private MappedByteBuffer chunk(int ordinal) throws IOException {
        MappedByteBuffer chunk = chunks.get(ordinal / SLOTS_PER_CHUNK);
        if (chunk == null) {
            chunk = channel.map(FileChannel.MapMode.READ_WRITE, (ordinal / SLOTS_PER_CHUNK) * CHUNK_BYTES,
                    CHUNK_BYTES);
            chunks.put(ordinal / SLOTS_PER_CHUNK, chunk);
        }
        return chunk;
    }

    /** Writes the slots put so far to the file (its pages, from memory to the disk or file server). */
    public void force() {
        for (MappedByteBuffer chunk : chunks.values()) {
            chunk.force();
        }
    }

    @Override
    public void close() throws IOException {
        chunks.clear();
        channel.close();
    }

    /** Reads the slots in ordinal order, from the first. */
    public static final class Reader implements Closeable {

        private final DataInputStream in;
        private boolean ended;

        public Reader(Path file) throws IOException {
            in = new DataInputStream(new BufferedInputStream(Files.exists(file) ? Files.newInputStream(file)
                    : InputStream.nullInputStream(), 64 * 1024));
        }

        /** The next ordinal's slot; empty past the end of the file. */
        public Slot next() throws IOException {
            if (!ended) {
                try {
                    return new Slot(in.readByte(), in.readLong(), in.readLong(), in.readInt(), in.readInt(),
                            in.readInt());
                } catch (EOFException e) {
                    ended = true;
                }
            }
            return new Slot(EMPTY, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
