package dev.batchline.cluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.batchline.MovableClock;
import dev.batchline.PostgresServer;
import dev.batchline.batch.BatchKey;
import dev.batchline.batch.Spool;
import dev.batchline.batch.Spools;
import dev.batchline.inbox.InboxLocks;
import dev.batchline.inbox.Intake;
import dev.batchline.inbox.RecordFormat;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.state.TakenOverException;
import dev.batchline.stream.Streams;
import dev.batchline.work.WorkFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Instances on one PostgreSQL store (a real server), each with its own view of the shared work folder, and one
 * clock moved by hand so that leases run out without waiting (their own heartbeats are an hour apart, so only the
 * test's count): who gets an inbox file, what happens to the work of an instance that dies or stops, and what an
 * instance found dead while it runs does.
 */
class ClusterTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private final PostgresServer postgres = PostgresServer.start();
    private final MovableClock clock = new MovableClock();
    private final List<Instance> instances = new ArrayList<>();
    private final List<StateStore> stores = new ArrayList<>();
    private final CountDownLatch halted = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        instances.forEach(Instance::stop);
        stores.forEach(StateStore::stop);
        postgres.close();
    }

    @Test
    void should_give_an_inbox_file_to_one_instance_and_to_one_other_when_it_dies() throws Exception {
        Instance a = started("a");
        Instance b = started("b");
        Instance c = started("c");
        String file = home.resolve("inbox/orders.jsonl").toString();

        assertThat(locks(a).add(file)).as("a free file").isTrue();
        assertThat(locks(b).add(file)).as("a file a living instance reads").isFalse();
        assertThat(locks(c).contains(file)).isTrue();

        clock.move(LEASE.plusSeconds(1));
        b.heartbeat();
        c.heartbeat(); // a stays silent: its lease runs out
        assertThat(locks(b).add(file)).as("a file of an instance not yet taken for dead").isFalse();
        Member taker = member(b);
        new Takeover(taker.store, b, taker.spools, taker.intake, taker.streams, clock).run();
        ExecutorService askers = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch together = new CountDownLatch(1);
            List<Future<Boolean>> answers = new ArrayList<>();
            for (Instance asking : List.of(b, c)) {
                InboxLocks locks = locks(asking);
                Callable<Boolean> take = () -> {
                    together.await();
                    return locks.add(file);
                };
                answers.add(askers.submit(take));
            }
            together.countDown();
            assertThat(List.of(answers.get(0).get(), answers.get(1).get())).as("b and c ask at once")
                    .containsExactlyInAnyOrder(true, false);
        } finally {
            askers.shutdownNow();
        }
        assertThat(locks(a).remove(file)).as("a no longer holds it").isFalse();
    }

    @Test
    void should_take_over_the_batches_and_sources_of_an_instance_whose_lease_ran_out() throws Exception {
        Instance a = started("a");
        Member dead = member(a);
        Spool open = dead.spools.spoolFor(new BatchKey("/v1/chat/completions", "gpt-4o-mini"));
        Source reading = dead.store.inTransaction(c -> Sources.create(c, "gone.jsonl", "1|1|gone.jsonl", "a",
                clock.instant()));
        byte[] line = "{\"custom_id\":\"r-1\"}\n".getBytes(StandardCharsets.UTF_8);
        open.append(reading.id(), line, line.length);
        dead.spools.sealNow(List.of(), "a checkpoint"); // commits the open batch with its one request
        Spool sealed = dead.spools.spoolFor(new BatchKey("/v1/chat/completions", "gpt-4.1-mini"));
        sealed.append(reading.id(), line, line.length);
        dead.spools.sealNow(List.of(sealed), "full");
        Spool unfinished = dead.spools.spoolFor(new BatchKey("/v1/embeddings", "text-embedding-3-small"));
        unfinished.append(reading.id(), line, line.length); // not committed when a stalls

        clock.move(LEASE.plusSeconds(1));
        Instance b = started("b");
        Member living = member(b);
        new Takeover(living.store, b, living.spools, living.intake, living.streams, clock).run();

        List<BatchRecord> batches = living.store.inTransaction(c -> Batches.withStatus(c, BatchRecord.SEALED));
        assertThat(batches).extracting(BatchRecord::id).containsExactly(open.id(), sealed.id());
        List<BatchRecord> owned = living.store.inTransaction(c -> Batches.ownedWithStatus(c, "b",
                BatchRecord.SEALED));
        assertThat(owned).as("b's to submit").hasSize(2);
        List<Source> finished = living.store.inTransaction(c -> Sources.withStatus(c, Sources.FILE,
                Source.INGESTED, "b"));
        assertThat(finished).as("the source whose file is gone, finished by b").extracting(Source::id)
                .containsExactly(reading.id());

        assertThatThrownBy(() -> dead.spools.sealNow(List.of(unfinished), "a wakes up"))
                .as("a step of a after its work was taken").isInstanceOf(TakenOverException.class);
        a.heartbeat();
        assertThat(a.fenced()).as("a, taken for dead").isTrue();
        assertThat(halted.getCount()).as("a halted").isZero();
        assertThat(locks(a).add(home.resolve("inbox/new.jsonl").toString())).as("a new file for a").isFalse();
    }

    @Test
    void should_hand_its_work_over_at_once_when_it_stops_cleanly() throws Exception {
        Instance a = started("a");
        Member stopping = member(a);
        Spool open = stopping.spools.spoolFor(new BatchKey("/v1/chat/completions", "gpt-4o-mini"));
        a.stop();

        Instance b = started("b");
        Member living = member(b);
        new Takeover(living.store, b, living.spools, living.intake, living.streams, clock).run();

        Optional<BatchRecord> forgotten = living.store.inTransaction(c -> Batches.find(c, open.id()));
        assertThat(forgotten).as("an empty open batch, taken at once and forgotten").isEmpty();
    }

    @Test
    void should_refuse_to_start_a_second_instance_of_a_running_name() {
        started("a");

        assertThatThrownBy(() -> started("a")).hasMessageContaining("An instance named a is running");
    }

    private Instance started(String name) {
        Instance instance = new Instance(store(), name, LEASE, Duration.ofHours(1), halted::countDown, clock);
        instance.start();
        instances.add(instance);
        return instance;
    }

    private StateStore store() {
        StateStore store = new StateStore(home.resolve("state"), postgres.url(), "postgres", null);
        store.start();
        stores.add(store);
        return store;
    }

    private InboxLocks locks(Instance instance) {
        return new InboxLocks(stores.get(0), instance, clock);
    }

    /** An instance's work: its open batches, intake and streams on the shared work folder. */
    private Member member(Instance instance) {
        StateStore store = store();
        WorkFolder work = new WorkFolder(home.resolve("work"));
        Spools spools = new Spools(store, work, instance.name(), "local", 100, 1_000_000, Duration.ofMinutes(5), 10,
                clock);
        spools.start();
        Intake intake = new Intake(store, spools, work, instance.name(), home.resolve("inbox"),
                new RecordFormat("gpt-4o-mini", null), 1_000_000, 1_000_000, clock);
        Streams streams = new Streams(store, spools, instance.name(), new RecordFormat("gpt-4o-mini", null),
                "seda:results", 10_000, clock);
        return new Member(store, spools, intake, streams);
    }

    private record Member(StateStore store, Spools spools, Intake intake, Streams streams) {
    }
}
