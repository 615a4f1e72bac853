package dev.batchline.inbox;

/**
 * The {@code custom_id}s of one source seen so far, to find a repeated one: 64-bit hashes in an open-addressing
 * table with the line each was first seen on, about 12 bytes per record instead of a String each, so a source of
 * millions of records fits a small heap. Two different ids share a 64-bit hash with a chance of about one in 10^12
 * for a million records.
 */
final class SeenIds {

    private static final long EMPTY = 0;

    private long[] hashes;
    private int[] lines;
    private int size;

    SeenIds() {
        this(0);
    }

    /** A table sized for about this many ids, so it need not grow while they are read. */
    SeenIds(int expected) {
        int capacity = 1024;
        while (capacity * 3L < expected * 4L) {
            capacity <<= 1;
        }
        hashes = new long[capacity];
        lines = new int[capacity];
    }

    /** Notes the id; returns the line it was first seen on, or 0 when it is new. */
    int firstLine(String id, int line) {
        long hash = hash(id);
        int mask = hashes.length - 1;
        int slot = (int) (hash ^ (hash >>> 32)) & mask;
        while (hashes[slot] != EMPTY) {
            if (hashes[slot] == hash) {
                return lines[slot];
            }
            slot = (slot + 1) & mask;
        }
        hashes[slot] = hash;
        lines[slot] = line;
        if (++size * 4 > hashes.length * 3) {
            grow();
        }
        return 0;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldLines = lines;
        hashes = new long[oldHashes.length * 2];
        lines = new int[oldLines.length * 2];
        int mask = hashes.length - 1;
        for (int i = 0; i < oldHashes.length; i++) {
            long hash = oldHashes[i];
            if (hash != EMPTY) {
                int slot = (int) (hash ^ (hash >>> 32)) & mask;
                while (hashes[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                hashes[slot] = hash;
                lines[slot] = oldLines[i];
            }
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
