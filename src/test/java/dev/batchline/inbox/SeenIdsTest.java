package dev.batchline.inbox;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeenIdsTest {

    @Test
    void should_name_the_first_line_of_a_repeated_id_among_many() {
        SeenIds seen = new SeenIds();
        for (int i = 1; i <= 200_000; i++) {
            assertThat(seen.firstLine("record-" + i, i)).isZero();
        }
        assertThat(seen.firstLine("record-4711", 200_001)).isEqualTo(4711);
        assertThat(seen.firstLine("record-200001", 200_002)).isZero();
    }
}
