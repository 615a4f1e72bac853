package dev.batchline.work;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends to a file through a buffer, for one writer at a time (unlike {@code BufferedOutputStream}, no lock per
 * write), after cutting the file back to the length a checkpoint committed: what a crash left beyond it is gone.
 */
public final class FileSink implements Closeable {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private long length;

    public FileSink(Path file, long committedLength) throws IOException {
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.truncate(committedLength);
        channel.position(committedLength);
        length = committedLength;
    }

    public void write(byte[] bytes, int from, int count) throws IOException {
        if (count > buffer.remaining()) {
            flush();
            if (count > buffer.capacity()) {
                ByteBuffer large = ByteBuffer.wrap(bytes, from, count);
                while (large.hasRemaining()) {
                    channel.write(large);
                }
                length += count;
                return;
            }
        }
        buffer.put(bytes, from, count);
        length += count;
    }

    public void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** Writes what is buffered to the file; returns the file's length. */
    public long flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
        return length;
    }

    /** The length the file has once flushed. */
    public long length() {
        return length;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
