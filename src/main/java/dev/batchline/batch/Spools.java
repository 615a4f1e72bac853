package dev.batchline.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import dev.batchline.state.BatchRecord;
import dev.batchline.state.BatchSource;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import dev.batchline.work.WorkFolder;
import org.apache.camel.Body;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open batches, one per {@link BatchKey}, on disk. A batch is sealed when it reaches the request or byte limit,
 * when it is older than the longest wait, or when the inbox has nothing more for it. Intake holds {@link #lock()}
 * while it reads a source, so sealing never cuts into a source that has not reached a checkpoint.
 */
public final class Spools extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Spools.class);

    private final StateStore store;
    private final WorkFolder work;
    private final String owner;
    private final String provider;
    private final int maxRequests;
    private final long maxBytes;
    private final Duration maxWait;
    private final int maxOpen;
    private final Clock clock;
    // fair: intake lets records sent to a stream in at each checkpoint of a long file (Intake), in the order they came
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Map<BatchKey, Spool> open = new HashMap<>();

    /** The open batches of one instance ({@code owner}), for the provider of new batches. */
    public Spools(StateStore store, WorkFolder work, String owner, String provider, int maxRequests, long maxBytes,
                  Duration maxWait, int maxOpen, Clock clock) {
        this.store = store;
        this.work = work;
        this.owner = owner;
        this.provider = provider;
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.maxWait = maxWait;
        this.maxOpen = maxOpen;
        this.clock = clock;
    }

    public ReentrantLock lock() {
        return lock;
    }

    /** Reopens the batches that were open when Batchline stopped, cut back to their last checkpoint. */
    @Override
    protected void doStart() {
        lock.lock();
        try {
            store.inTransaction(c -> {
                for (BatchRecord record : Batches.ownedWithStatus(c, owner, BatchRecord.OPEN)) {
                    if (open.containsKey(new BatchKey(record.endpoint(), record.model()))) {
                        continue; // one taken over from another instance: adopt() seals it
                    }
                    reopen(c, record);
                    LOG.info("Reopened batch {} with {} requests", record.id(), record.requests());
                }
                return null;
            });
        } finally {
            lock.unlock();
        }
        adopt();
    }

    /**
     * Seals the open batches this instance owns but does not hold: those of an instance that died (their records
     * up to its last checkpoint; the rest are read again from the sources), so their records go on without
     * waiting for more. One that holds no request is forgotten.
     */
    public void adopt() {
        lock.lock();
        try {
            List<Long> held = open.values().stream().map(Spool::id).toList();
            for (BatchRecord record : store.inTransaction(c -> Batches.ownedWithStatus(c, owner, BatchRecord.OPEN))) {
                if (held.contains(record.id())) {
                    continue;
                }
                if (record.requests() == 0) {
                    if (store.inTransaction(c -> Batches.discardEmpty(c, record.id()))) {
                        WorkFolder.deleteTree(work.batch(record.id()));
                    }
                    continue;
                }
                new Spool(record, work.resolve(record.spool()), Map.of()).close(); // cut back to the committed length
                store.inTransaction(c -> {
                    Batches.seal(c, record.id(), clock.instant());
                    return null;
                });
                LOG.info("Sealed batch {} ({} {}) of a stopped instance: {} requests, {} bytes", record.id(),
                        record.endpoint(), record.model(), record.requests(), record.bytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Adopting the open batches of a stopped instance failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** Opens the spool of an open batch as its last commit left it: what was written after that is cut off. */
    private void reopen(Connection c, BatchRecord record) throws SQLException, IOException {
        Map<Long, Integer> bySource = new HashMap<>();
        for (BatchSource row : Batches.sourcesOf(c, record.id())) {
            bySource.put(row.sourceId(), row.requests());
        }
        Spool spool = new Spool(record, work.resolve(record.spool()), bySource);
        open.put(spool.key(), spool);
    }

    /**
     * Forgets what was appended since the last commit, after a commit failed: every spool with uncommitted requests
     * goes back to what the state store holds. The caller holds the lock.
     */
    public void rollBack() {
        List<Spool> dirty = open.values().stream().filter(Spool::dirty).toList();
        for (Spool spool : dirty) {
            open.remove(spool.key());
            try {
                spool.close();
            } catch (IOException e) {
                LOG.warn("Closing batch {} to roll it back failed", spool.id(), e);
            }
        }
        store.inTransaction(c -> {
            for (Spool spool : dirty) {
                Optional<BatchRecord> record = Batches.find(c, spool.id());
                if (record.isPresent() && record.get().status().equals(BatchRecord.OPEN)) {
                    reopen(c, record.get());
                }
            }
            return null;
        });
    }

    /** Commits the open batches and seals the given ones now. The caller holds the lock. */
    public void sealNow(List<Spool> seal, String reason) throws IOException {
        flush();
        store.inTransaction(c -> {
            commit(c, seal, clock.instant());
            return null;
        });
        committed(seal, reason);
    }

    /** The open batch for the key, opened now when there is none. The caller holds the lock. */
    public Spool spoolFor(BatchKey key) throws IOException {
        Spool spool = open.get(key);
        if (spool == null) {
            BatchRecord record = store.inTransaction(c -> Batches.open(c, owner, provider, key.endpoint(),
                    key.model(), clock.instant()));
            spool = new Spool(record, work.resolve(record.spool()), Map.of());
            open.put(key, spool);
        }
        return spool;
    }

    /** Whether a request of this key can be taken: its batch is open, or one more may be opened. */
    public boolean hasRoomFor(BatchKey key) {
        return open.containsKey(key) || open.size() < maxOpen;
    }

    public int openCount() {
        return open.size();
    }

    /** Whether a line of this many bytes still fits into the spool. */
    public boolean fits(Spool spool, int lineBytes) {
        return spool.requests() == 0
               || spool.requests() + 1 <= maxRequests && spool.bytes() + lineBytes <= maxBytes;
    }

    /** Why the spool must be sealed now (full, or older than the longest wait), or null when it need not be. */
    public String sealReason(Spool spool, long nowMillis) {
        if (spool.requests() >= maxRequests || spool.bytes() >= maxBytes) {
            return "full";
        }
        if (spool.requests() > 0 && nowMillis - spool.openedAt() >= maxWait.toMillis()) {
            return "waited " + maxWait.toSeconds() + " s";
        }
        return null;
    }

    /** Open batches that hold requests. */
    public List<Spool> nonEmpty() {
        List<Spool> spools = new ArrayList<>();
        for (Spool spool : open.values()) {
            if (spool.requests() > 0) {
                spools.add(spool);
            }
        }
        return spools;
    }

    /** Writes what the spools buffered to their files; a checkpoint commits after this. */
    public void flush() throws IOException {
        for (Spool spool : open.values()) {
            spool.flush();
        }
    }

    /**
     * Saves every open batch's committed size and sources and seals the given ones, in the caller's transaction;
     * fails when another instance took a batch over meanwhile (this one was taken for dead).
     */
    public void commit(Connection c, Collection<Spool> seal, Instant now) throws SQLException {
        for (Spool spool : open.values()) {
            if (spool.dirty() || seal.contains(spool)) {
                Batches.requireOwner(c, spool.id(), owner);
            }
            if (spool.dirty()) {
                Batches.saveSpool(c, spool.id(), spool.requests(), spool.bytes());
                Batches.saveSourceRequests(c, spool.id(), spool.changedRequestsBySource());
            }
        }
        for (Spool spool : seal) {
            Batches.seal(c, spool.id(), now);
        }
    }

    /** After the commit: the sealed spools are closed and the open ones clean. */
    public void committed(Collection<Spool> sealed, String reason) throws IOException {
        for (Spool spool : open.values()) {
            spool.committed();
        }
        for (Spool spool : sealed) {
            open.remove(spool.key());
            spool.close();
            LOG.info("Sealed batch {} ({} {}): {} requests, {} bytes, {}", spool.id(), spool.key().endpoint(),
                    spool.key().model(), spool.requests(), spool.bytes(), reason);
        }
    }

    /** The open batches that waited long enough (or are full) and must be sealed now. */
    public List<Long> aged() {
        if (!lock.tryLock()) {
            return List.of(); // intake is reading: it seals what it fills, and what waited, as it goes
        }
        try {
            long now = clock.millis();
            List<Long> due = new ArrayList<>();
            for (Spool spool : open.values()) {
                if (sealReason(spool, now) != null) {
                    due.add(spool.id());
                }
            }
            return due;
        } finally {
            lock.unlock();
        }
    }

    /** Seals one open batch that waited long enough, unless intake is busy (it seals those itself). */
    public void seal(@Body long batchId) throws IOException {
        if (!lock.tryLock()) {
            return;
        }
        try {
            Spool spool = open.values().stream().filter(candidate -> candidate.id() == batchId).findFirst()
                    .orElse(null);
            String reason = spool == null ? null : sealReason(spool, clock.millis());
            if (reason == null) {
                return;
            }
            sealNow(List.of(spool), reason);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the files of the open batches; what they hold stays open for the next start. */
    @Override
    protected void doStop() {
        lock.lock();
        try {
            for (Spool spool : open.values()) {
                spool.close();
            }
            open.clear();
        } catch (IOException e) {
            LOG.warn("Closing the open batches failed", e);
        } finally {
            lock.unlock();
        }
    }
}
