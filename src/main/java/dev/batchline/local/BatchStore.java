package dev.batchline.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local provider's batches: one JSON record per batch on disk, rewritten atomically on every change, and an
 * index in memory, newest first, for retrieval and listing.
 */
final class BatchStore {

    private final Path dir;
    private final Map<String, Batch> byId = new ConcurrentHashMap<>();
    private final NavigableMap<Long, Batch> bySeq = new ConcurrentSkipListMap<>();
    private final AtomicLong seq = new AtomicLong();

    BatchStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, "*.json")) {
            for (Path record : records) {
                index(Batch.fromRecord(Json.MAPPER.readTree(record.toFile())));
            }
        }
    }

    private void index(Batch batch) {
        byId.put(batch.id, batch);
        bySeq.put(batch.seq, batch);
        seq.accumulateAndGet(batch.seq, Math::max);
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    void add(Batch batch) {
        save(batch);
        index(batch);
    }

    void save(Batch batch) {
        try {
            AtomicFiles.writeJson(dir.resolve(batch.id + ".json"), batch.toRecord());
        } catch (IOException e) {
            throw new UncheckedIOException("Local provider: cannot save batch " + batch.id, e);
        }
    }

    Optional<Batch> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    Collection<Batch> all() {
        return bySeq.values();
    }

    /** Up to {@code limit} batches, newest first, created before the batch {@code after} when given. */
    List<Batch> list(Batch after, int limit) {
        NavigableMap<Long, Batch> older = after == null ? bySeq.descendingMap()
                : bySeq.headMap(after.seq, false).descendingMap();
        List<Batch> page = new ArrayList<>(limit);
        for (Batch batch : older.values()) {
            if (page.size() == limit) {
                break;
            }
            page.add(batch);
        }
        return page;
    }

    /** How many batches were created at or after the given epoch millis. */
    int createdSince(long millis) {
        int count = 0;
        for (Batch batch : bySeq.descendingMap().values()) {
            if (batch.createdAt < millis) {
                break;
            }
            count++;
        }
        return count;
    }
}
