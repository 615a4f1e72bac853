package dev.batchline.work;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * A source's result lines, read where its slots point: a batch's downloaded output or error file, or the source's
 * failures. Files are mapped into memory (no system call per line); a file over 2 GB, which cannot be mapped whole,
 * is read at the line's position instead.
 */
public final class ResultLines implements Closeable {

    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();
    private static final byte[] QUOTE = {'"'};

    private final WorkFolder work;
    private final long sourceId;
    private final Map<Path, ByteBuffer> mapped = new HashMap<>();
    private final Map<Path, FileChannel> large = new HashMap<>();
    private byte[] line = new byte[64 * 1024];

    public ResultLines(WorkFolder work, long sourceId) {
        this.work = work;
        this.sourceId = sourceId;
    }

    /** The slot's line in a buffer that the next read reuses: its first {@code slot.length()} bytes. */
    public byte[] read(Slots.Slot slot) throws IOException {
        Path file = switch (slot.kind()) {
            case Slots.OUTPUT -> work.output(slot.batchId());
            case Slots.ERROR -> work.errors(slot.batchId());
            default -> work.failures(sourceId);
        };
        if (line.length < slot.length()) {
            line = new byte[Math.max(slot.length(), line.length * 2)];
        }
        long end = slot.offset() + slot.length();
        ByteBuffer content = mapped.get(file);
        FileChannel channel = large.get(file);
        if (channel == null && (content == null || end > content.capacity())) {
            FileChannel opened = FileChannel.open(file, StandardOpenOption.READ);
            if (opened.size() <= Integer.MAX_VALUE) {
                content = opened.map(FileChannel.MapMode.READ_ONLY, 0, opened.size());
                opened.close();
                mapped.put(file, content);
            } else {
                channel = opened;
                large.put(file, channel);
            }
        }
        if (channel == null) {
            if (end > content.capacity()) {
                throw new IOException(file + " ends before the result at " + slot.offset());
            }
            content.get((int) slot.offset(), line, 0, slot.length());
            return line;
        }
        ByteBuffer target = ByteBuffer.wrap(line, 0, slot.length());
        while (target.hasRemaining()) {
            if (channel.read(target, slot.offset() + target.position()) < 0) {
                throw new IOException(file + " ends before the result at " + slot.offset());
            }
        }
        return line;
    }

    /** Where a result line is written: a {@link FileSink}, a byte array stream. */
    @FunctionalInterface
    public interface Out {
        void write(byte[] bytes, int from, int count) throws IOException;
    }

    /**
     * Writes the slot's line with the user's {@code custom_id} (already escaped for JSON) in place of Batchline's,
     * without a newline; returns the line as read, in a buffer that the next read reuses (its first
     * {@code slot.length()} bytes).
     */
    public byte[] writeWithCustomId(Slots.Slot slot, byte[] escapedCustomId, Out out) throws IOException {
        byte[] bytes = read(slot);
        out.write(bytes, 0, slot.idStart());
        out.write(QUOTE, 0, 1);
        out.write(escapedCustomId, 0, escapedCustomId.length);
        out.write(QUOTE, 0, 1);
        out.write(bytes, slot.idEnd(), slot.length() - slot.idEnd());
        return bytes;
    }

    /** The slot's line with the user's {@code custom_id} in place of Batchline's, as a new array. */
    public byte[] withCustomId(Slots.Slot slot, String customId) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(slot.length() + customId.length() + 2);
        writeWithCustomId(slot, ESCAPER.quoteAsUTF8(customId), line::write);
        return line.toByteArray();
    }

    @Override
    public void close() throws IOException {
        mapped.clear();
        for (FileChannel channel : large.values()) {
            channel.close();
        }
        large.clear();
    }
}
