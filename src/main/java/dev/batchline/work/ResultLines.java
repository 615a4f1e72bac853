package dev.batchline.work;

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

    /** The slot's line with the user's {@code custom_id} in place of Batchline's, as a new array. */
    public byte[] withCustomId(Slots.Slot slot, String customId) throws IOException {
        byte[] bytes = read(slot);
        byte[] id = ESCAPER.quoteAsUTF8(customId);
        byte[] result = new byte[slot.idStart() + 2 + id.length + slot.length() - slot.idEnd()];
        System.arraycopy(bytes, 0, result, 0, slot.idStart());
        result[slot.idStart()] = '"';
        System.arraycopy(id, 0, result, slot.idStart() + 1, id.length);
        result[slot.idStart() + 1 + id.length] = '"';
        System.arraycopy(bytes, slot.idEnd(), result, slot.idStart() + 2 + id.length, slot.length() - slot.idEnd());
        return result;
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
