package dev.batchline.inbox;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The {@code custom_id}s of one source seen so far, to find a repeated one: 64-bit hashes in an open-addressing
 * table with the line each was first seen on, 12 bytes a slot, at most three quarters full. The table lives in a
 * memory-mapped file in the source's work folder, not on the heap, so a source of any size is read within a
 * small heap (the operating system keeps the pages in memory while it has room). Two different ids share a
 * 64-bit hash with a chance of about one in 37 million for a million records; the second would be reported as a
 * repeat.
 */
final class SeenIds implements AutoCloseable {

    private static final long EMPTY = 0;
    private static final int SLOT_BYTES = 12;
    private static final int SEGMENT_BITS = 26; // slots per mapping: 2^26 × 12 bytes = 768 MB, under the 2 GB limit
    private static final long SEGMENT_MASK = (1L << SEGMENT_BITS) - 1;

    private final Path file;
    private MappedByteBuffer[] segments;
    private long capacity;
    private long size;

    /** A table in {@code file} (replacing what is there), sized for about this many ids so it need not grow. */
    SeenIds(Path file, long expected) throws IOException {
        this.file = file;
        long slots = 1024;
        while (slots * 3 < expected * 4) {
            slots <<= 1;
        }
        this.capacity = slots;
        this.segments = map(file, slots);
    }

    /** Notes the id; returns the line it was first seen on, or 0 when it is new. */
    int firstLine(String id, int line) throws IOException {
        long hash = hash(id);
        long slot = find(segments, capacity, hash);
        long found = hashAt(segments, slot);
        if (found == hash) {
            return lineAt(segments, slot);
        }
        put(segments, slot, hash, line);
        if (++size * 4 > capacity * 3) {
            grow();
        }
        return 0;
    }

    /** Deletes the table's file; the ids are needed only while the source is read. */
    @Override
    public void close() throws IOException {
        segments = null;
        Files.deleteIfExists(file);
    }

    private void grow() throws IOException {
        Path larger = file.resolveSibling(file.getFileName() + ".grow");
        long doubled = capacity * 2;
        MappedByteBuffer[] bigger = map(larger, doubled);
        for (long slot = 0; slot < capacity; slot++) {
            long hash = hashAt(segments, slot);
            if (hash != EMPTY) {
                put(bigger, find(bigger, doubled, hash), hash, lineAt(segments, slot));
            }
        }
        Files.move(larger, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        segments = bigger;
        capacity = doubled;
    }

    /** The slot holding the hash, or the empty slot where it belongs. */
    private static long find(MappedByteBuffer[] table, long capacity, long hash) {
        long mask = capacity - 1;
        long slot = (hash ^ (hash >>> 32)) & mask;
        long found;
        while ((found = hashAt(table, slot)) != EMPTY && found != hash) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long hashAt(MappedByteBuffer[] table, long slot) {
        return table[(int) (slot >>> SEGMENT_BITS)].getLong((int) (slot & SEGMENT_MASK) * SLOT_BYTES);
    }

    private static int lineAt(MappedByteBuffer[] table, long slot) {
        return table[(int) (slot >>> SEGMENT_BITS)].getInt((int) (slot & SEGMENT_MASK) * SLOT_BYTES + 8);
    }

    private static void put(MappedByteBuffer[] table, long slot, long hash, int line) {
        MappedByteBuffer segment = table[(int) (slot >>> SEGMENT_BITS)];
        int at = (int) (slot & SEGMENT_MASK) * SLOT_BYTES;
        segment.putLong(at, hash);
        segment.putInt(at + 8, line);
    }

    /** A new, zeroed (sparse) file of {@code slots} slots, mapped in segments. */
    private static MappedByteBuffer[] map(Path file, long slots) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int count = (int) ((slots + SEGMENT_MASK) >>> SEGMENT_BITS);
            MappedByteBuffer[] table = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long first = (long) i << SEGMENT_BITS;
                long length = Math.min(slots - first, 1L << SEGMENT_BITS) * SLOT_BYTES;
                table[i] = channel.map(FileChannel.MapMode.READ_WRITE, first * SLOT_BYTES, length);
            }
            return table;
        }
    }

    /** FNV-1a over the characters, finished with a 64-bit mix; never {@link #EMPTY}. */
    static long hash(String id) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            hash ^= id.charAt(i);
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash == EMPTY ? 1 : hash;
    }
}
