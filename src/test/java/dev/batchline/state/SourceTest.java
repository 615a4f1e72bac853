package dev.batchline.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceTest {

    @Test
    void should_name_outbox_files_that_stay_visible_inside_the_outbox() {
        assertThat(named("reviews-2026-11.jsonl").baseName()).isEqualTo("reviews-2026-11");
        assertThat(named("my reviews.jsonl").baseName()).isEqualTo("my reviews");
        assertThat(named("Übersicht – März.jsonl").baseName()).isEqualTo("Übersicht – März");
        assertThat(named("..jsonl").baseName()).isEqualTo("_.");
        assertThat(named("...jsonl").baseName()).isEqualTo("_..");
        assertThat(named("a\\b\nc.jsonl").baseName()).isEqualTo("a_b_c");
        assertThat(named("sub/folder/x.jsonl").baseName()).isEqualTo("x");
        assertThat(named("noextension").baseName()).isEqualTo("noextension");
    }

    private static Source named(String name) {
        return new Source(1, name, Source.INGESTED, 0, 1, 0, 0, 0, null, null, null);
    }
}
