package dev.batchline.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider's files on disk: {@code <id>.data} holds the content, {@code <id>.json} the File object. An
 * index in memory serves lookups and listings; the disk is the truth on restart.
 */
final class FileStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);

    private final Path dir;
    private final Path tempDir;
    private final Clock clock;
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    FileStore(Path dir, Clock clock) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.tempDir = Files.createDirectories(dir.resolve("tmp"));
        this.clock = clock;
        load();
    }

    private void load() throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tempDir)) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
        try (DirectoryStream<Path> records = Files.newDirectoryStream(dir, "*.json")) {
            for (Path record : records) {
                StoredFile file = StoredFile.fromRecord(Json.MAPPER.readTree(record.toFile()));
                if (Files.exists(content(file.id()))) {
                    files.put(file.id(), file);
                    seq.accumulateAndGet(file.seq(), Math::max);
                } else {
                    LOG.warn("Local provider: dropping file record {} whose content is missing", file.id());
                    Files.deleteIfExists(record);
                }
            }
        }
    }

    /** A fresh temporary path for content being received. */
    Path newTempFile() throws IOException {
        return Files.createTempFile(tempDir, "upload-", ".part");
    }

    /**
     * Takes {@code content} (moved, not copied) as a new file. When a file with {@code id} exists already, it is
     * returned unchanged, so adopting a batch's output twice after a restart gives the same file.
     */
    synchronized StoredFile add(String id, Path content, String filename, String purpose, Long expiresAfterSeconds)
            throws IOException {
        StoredFile existing = files.get(id);
        if (existing != null) {
            Files.deleteIfExists(content);
            return existing;
        }
        long now = clock.millis() / 1000;
        StoredFile file = new StoredFile(id, seq.incrementAndGet(), Files.size(content), now,
                expiresAfterSeconds == null ? null : now + expiresAfterSeconds, filename, purpose);
        // the record first: a record whose content is missing is dropped on restart, and the content is still
        // where it was, so adding it again works
        AtomicFiles.writeJson(dir.resolve(id + ".json"), file.toRecord());
        Files.move(content, content(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        files.put(id, file);
        return file;
    }

    Optional<StoredFile> find(String id) {
        StoredFile file = files.get(id);
        if (file != null && file.expired(clock.millis() / 1000)) {
            delete(id);
            return Optional.empty();
        }
        return Optional.ofNullable(file);
    }

    Path content(String id) {
        return dir.resolve(id + ".data");
    }

    boolean delete(String id) {
        StoredFile removed = files.remove(id);
        if (removed == null) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
            Files.deleteIfExists(content(id));
        } catch (IOException e) {
            LOG.warn("Local provider: could not delete the content of file {}", id, e);
        }
        return true;
    }

    /** Files of the given purpose (all when null), newest first unless {@code ascending}, after the given id. */
    List<StoredFile> list(String purpose, boolean ascending, String afterId, int limit) {
        long now = clock.millis() / 1000;
        Comparator<StoredFile> order = Comparator.comparingLong(StoredFile::seq);
        if (!ascending) {
            order = order.reversed();
        }
        StoredFile after = afterId == null ? null : files.get(afterId);
        List<StoredFile> page = new ArrayList<>();
        files.values().stream()
                .filter(f -> !f.expired(now))
                .filter(f -> purpose == null || purpose.equals(f.purpose()))
                .filter(f -> after == null || (ascending ? f.seq() > after.seq() : f.seq() < after.seq()))
                .sorted(order)
                .limit(limit)
                .forEach(page::add);
        return page;
    }
}
