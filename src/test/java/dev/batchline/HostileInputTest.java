package dev.batchline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of broken and hostile input: each case gets a clear error naming source, line and reason, everything
 * good in the same files goes through, and the service keeps running.
 */
class HostileInputTest extends ApplicationTestSupport {

    @Override
    protected Properties properties() {
        return with("batchline.inbox.max-line-bytes=2KB", "batchline.inbox.max-file-bytes=64KB",
                "batchline.batch.max-open=3");
    }

    @Test
    void should_report_every_bad_line_and_process_the_good_ones() throws Exception {
        ByteArrayOutputStream corpus = new ByteArrayOutputStream();
        corpus.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        line(corpus, "{\"id\":\"ok-1\",\"prompt\":\"after a byte order mark\"}\r");    // 1
        line(corpus, "{\"id\":\"broken\",\"prompt\":");                               // 2 invalid JSON
        line(corpus, "\"just a string\"");                                           // 3 not an object
        line(corpus, "{\"id\":\"no-prompt\"}");                                      // 4 missing field
        line(corpus, "{\"custom_id\":\"u\",\"method\":\"POST\",\"url\":\"/v1/images/generations\",\"body\":"
                     + "{\"model\":\"dall-e-3\"}}");                                 // 5 unknown endpoint
        line(corpus, "{\"custom_id\":\"g\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":"
                     + "{\"model\":\"gpt-4o-mini\"}}");                              // 6 method
        line(corpus, "{\"id\":\"ok-1\",\"prompt\":\"the same id again\"}");          // 7 duplicate custom_id
        line(corpus, "{\"id\":\"long\",\"prompt\":\"" + "x".repeat(3000) + "\"}");  // 8 over-long line
        corpus.write("{\"id\":\"bad-utf8\",\"prompt\":\"".getBytes(StandardCharsets.UTF_8));
        corpus.write(new byte[] {(byte) 0xC3, (byte) 0x28});
        line(corpus, "\"}");                                                         // 9 invalid UTF-8
        line(corpus, "   ");                                                         // 10 blank
        line(corpus, "{\"id\":\"ok-2\",\"prompt\":\"Grüße, 東京\"}\r");               // 11
        line(corpus, "");                                                            // 12 blank
        line(corpus, "{\"id\":\"../../../etc/passwd\",\"prompt\":\"escape?\"}");     // 13
        line(corpus, "{\"id\":\"m2\",\"model\":\"model-2\",\"prompt\":\"a second batch\"}"); // 14
        line(corpus, "{\"id\":\"m3\",\"model\":\"model-3\",\"prompt\":\"a third batch\"}");  // 15
        line(corpus, "{\"id\":\"m4\",\"model\":\"model-4\",\"prompt\":\"a fourth batch\"}"); // 16 too many
        drop("corpus.jsonl", corpus.toByteArray());

        JsonNode summary = awaitSummary("corpus");

        assertThat(errors("corpus")).extracting(e -> e.path("line").asInt() + ":" + e.path("code").asText())
                .containsExactly("2:invalid_json", "3:not_an_object", "4:missing_field", "5:unknown_endpoint",
                        "6:invalid_method", "7:duplicate_custom_id", "8:line_too_long", "9:invalid_utf8",
                        "16:too_many_batches");
        assertThat(errors("corpus")).allSatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo("corpus.jsonl");
            assertThat(e.path("message").asText()).isNotBlank();
        });
        assertThat(errors("corpus").get(5).path("message").asText()).contains("line 1");
        List<JsonNode> results = results("corpus");
        assertThat(results).hasSize(14);
        assertThat(customIds(results)).containsExactly("ok-1", null, null, "no-prompt", "u", "g", "ok-1", null,
                null, "ok-2", "../../../etc/passwd", "m2", "m3", "m4");
        assertThat(answer(results.get(9))).isEqualTo("Offline answer to: Grüße, 東京");
        assertThat(answer(results.get(10))).isEqualTo("Offline answer to: escape?");
        assertThat(summary.path("succeeded").asInt()).isEqualTo(5);
        assertThat(summary.path("invalid").asInt()).isEqualTo(9);
        assertOutboxHoldsOnly("corpus.results.jsonl", "corpus.errors.jsonl", "corpus.summary.json");
    }

    @Test
    void should_take_awkward_files_and_refuse_what_it_cannot_take_with_a_reason() throws Exception {
        drop("zero.jsonl", new byte[0]);
        drop("blank.jsonl", "\n\n  \n");
        drop("with spaces and ünïcödé.jsonl", simpleRecords("s", 2));
        drop("odd..name.jsonl", simpleRecords("d", 1));
        drop("..jsonl", simpleRecords("hidden", 1));
        drop("notes.txt", "hello");
        drop("huge.jsonl", simpleRecords("h", 2000));
        Files.createDirectories(inbox.resolve("folder.jsonl"));
        Path target = Files.writeString(home.resolve("secret.jsonl"), simpleRecords("leak", 1));
        Files.createSymbolicLink(inbox.resolve("link.jsonl"), target);

        assertThat(awaitSummary("zero").path("records").asInt()).isZero();
        assertThat(awaitSummary("blank").path("records").asInt()).isZero();
        assertThat(customIds(resultsOf(awaitSummary("with spaces and ünïcödé")))).containsExactly("s1", "s2");
        assertThat(customIds(resultsOf(awaitSummary("odd..name")))).containsExactly("d1");
        assertRefused("notes", "unsupported_file_type");
        assertRefused("huge", "file_too_large");
        assertRefused("link", "not_a_regular_file");
        assertThat(Files.isDirectory(inbox.resolve("folder.jsonl"))).isTrue();
        assertThat(inbox.resolve("..jsonl")).as("a hidden file is being written: left alone").exists();
        assertThat(inbox.resolve(".failed").toFile().list()).hasSize(3);
        assertThat(outbox.resolve("leak1.results.jsonl")).doesNotExist();
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.startsWith("."));
        }
    }

    @Test
    void should_wait_for_a_file_that_is_still_being_written() throws Exception {
        Files.createDirectories(inbox);
        OutputStream out = Files.newOutputStream(inbox.resolve("growing.jsonl"));
        AtomicInteger written = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        // a slow writer: one line every 60 ms, more often than the 100 ms the file must stay unchanged
        writer.scheduleAtFixedRate(() -> {
            int i = written.incrementAndGet();
            try {
                if (i <= 10) {
                    out.write(("{\"id\":\"g" + i + "\",\"prompt\":\"part " + i + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else {
                    out.close();
                    writer.shutdown();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, 0, 60, TimeUnit.MILLISECONDS);

        JsonNode summary = awaitSummary("growing");

        assertThat(summary.path("records").asInt()).isEqualTo(10);
        assertThat(customIds(results("growing"))).containsExactlyElementsOf(PipelineTest.ids("g", 10));
        writer.shutdownNow();
    }

    @Test
    void should_keep_sources_apart_that_use_the_same_ids_in_one_batch() throws Exception {
        drop("left.jsonl", "{\"id\":\"same\",\"prompt\":\"left\"}\n");
        drop("right.jsonl", "{\"id\":\"same\",\"prompt\":\"right\"}\n");

        assertThat(answer(resultsOf(awaitSummary("left")).get(0))).isEqualTo("Offline answer to: left");
        assertThat(answer(resultsOf(awaitSummary("right")).get(0))).isEqualTo("Offline answer to: right");
        assertThat(errors("left")).isEmpty();
        assertThat(errors("right")).isEmpty();
    }

    private List<JsonNode> resultsOf(JsonNode summary) throws Exception {
        String source = summary.path("source").asText();
        return results(source.substring(0, source.lastIndexOf('.')));
    }

    private void assertRefused(String base, String code) throws Exception {
        JsonNode summary = awaitSummary(base);
        assertThat(summary.path("records").asInt()).isZero();
        assertThat(errors(base)).singleElement().satisfies(error -> {
            assertThat(error.path("code").asText()).isEqualTo(code);
            assertThat(error.path("line").isNull()).isTrue();
            assertThat(error.path("message").asText()).isNotBlank();
        });
    }

    private void assertOutboxHoldsOnly(String... names) throws Exception {
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
