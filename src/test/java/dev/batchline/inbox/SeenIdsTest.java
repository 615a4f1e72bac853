package dev.batchline.inbox;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SeenIdsTest {

    @TempDir
    Path work;

    @Test
    void should_name_the_first_line_of_a_repeated_id_among_many_more_than_expected() throws Exception {
        try (SeenIds seen = new SeenIds(work.resolve("ids"), 10)) {
            for (int i = 1; i <= 200_000; i++) {
                assertThat(seen.firstLine("record-" + i, i)).isZero();
            }
            assertThat(seen.firstLine("record-4711", 200_001)).isEqualTo(4711);
            assertThat(seen.firstLine("record-200001", 200_002)).isZero();
        }
    }

    @Test
    void should_leave_no_file_behind_once_the_source_is_read() throws Exception {
        try (SeenIds seen = new SeenIds(work.resolve("ids"), 1_000)) {
            seen.firstLine("record-1", 1);
        }
        assertThat(work.resolve("ids")).doesNotExist();
        assertThat(work.resolve("ids.grow")).doesNotExist();
    }
}
