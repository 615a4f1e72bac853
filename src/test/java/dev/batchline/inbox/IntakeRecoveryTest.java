package dev.batchline.inbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.batchline.batch.Spools;
import dev.batchline.state.Source;
import dev.batchline.state.Sources;
import dev.batchline.state.StateStore;
import dev.batchline.work.RecordIndex;
import dev.batchline.work.WorkFolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class IntakeRecoveryTest {

    @TempDir
    Path home;

    private StateStore store;
    private Spools spools;
    private Intake intake;

    @BeforeEach
    void start() {
        WorkFolder work = new WorkFolder(home.resolve("work"));
        store = new StateStore(work.state());
        store.start();
        spools = new Spools(store, work, "local", "local", 100, 1_000_000, Duration.ofMinutes(5), 10,
                Clock.systemUTC());
        spools.start();
        intake = new Intake(store, spools, work, "local", home.resolve("inbox"), new RecordFormat("gpt-4o-mini", null),
                1_000_000, 1_000_000, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        spools.stop();
        store.stop();
    }

    @Test
    void should_finish_a_source_whose_file_left_the_inbox_while_it_was_read() throws Exception {
        Source cutOff = store.inTransaction(c -> Sources.create(c, "gone.jsonl", "10|1|gone.jsonl", "local",
                Instant.now()));
        Files.createDirectories(home.resolve("inbox"));
        Files.writeString(home.resolve("inbox/kept.jsonl"), "{\"id\":\"k\",\"prompt\":\"p\"}\n");
        long size = Files.size(home.resolve("inbox/kept.jsonl"));
        long modified = Files.getLastModifiedTime(home.resolve("inbox/kept.jsonl")).toMillis();
        Source waiting = store.inTransaction(c -> Sources.create(c, "kept.jsonl",
                size + "|" + modified + "|kept.jsonl", "local", Instant.now()));

        intake.start();

        List<Source> ingested = store.inTransaction(c -> Sources.withStatus(c, Sources.FILE, Source.INGESTED,
                "local"));
        assertThat(ingested).extracting(Source::id).containsExactly(cutOff.id());
        try (RecordIndex.Reader index = new RecordIndex.Reader(home.resolve("work/sources/" + cutOff.id()
                                                                             + "/records.jsonl"))) {
            RecordIndex.Entry entry = index.next();
            assertThat(entry.wholeFile()).isTrue();
            assertThat(entry.code()).isEqualTo("vanished");
        }
        assertThat(store.inTransaction(c -> Sources.find(c, waiting.id())).orElseThrow().status())
                .isEqualTo(Source.INGESTING);
    }
}
