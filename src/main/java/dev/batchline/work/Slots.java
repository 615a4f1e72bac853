package dev.batchline.work;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where each record's result line is, by record ordinal: a fixed-size slot per record on disk, so that results
 * arriving in any order from any number of batches can be written out in input order without holding them in
 * memory. Writing a slot twice with the same value is harmless, which makes processing a batch again safe.
 */
public final class Slots implements Closeable {

    /** Kinds of result line a slot points to. */
    public static final byte EMPTY = 0;
    public static final byte OUTPUT = 1;
    public static final byte ERROR = 2;
    public static final byte FAILURE = 3;

    static final int SIZE = 1 + 8 + 8 + 4;

    /** A record's result: a line of {@code length} bytes at {@code offset} in a batch's output or error file. */
    public record Slot(byte kind, long batchId, long offset, int length) {
        public boolean empty() {
            return kind == EMPTY;
        }
    }

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);

    public Slots(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    public synchronized void put(int ordinal, byte kind, long batchId, long offset, int length) throws IOException {
        buffer.clear();
        buffer.put(kind).putLong(batchId).putLong(offset).putInt(length).flip();
        long position = (long) ordinal * SIZE;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    public synchronized Slot get(int ordinal) throws IOException {
        buffer.clear();
        long position = (long) ordinal * SIZE;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                return new Slot(EMPTY, 0, 0, 0);
            }
        }
        buffer.flip();
        return new Slot(buffer.get(), buffer.getLong(), buffer.getLong(), buffer.getInt());
    }

    /** Makes the slots durable before the state store records that they were written. */
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
