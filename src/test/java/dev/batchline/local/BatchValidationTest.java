package dev.batchline.local;

import java.nio.file.Path;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.batchline.local.RunningProvider.chatLine;
import static org.assertj.core.api.Assertions.assertThat;

/** Invalid batch input fails the batch with OpenAI's error codes and the line of each fault; nothing crashes. */
class BatchValidationTest {

    private static final String GOOD = chatLine("ok", "fine");

    @TempDir
    Path dataDir;

    private RunningProvider local;

    @BeforeEach
    void start() {
        local = RunningProvider.start(dataDir, "batchline.local.max-requests-per-batch=5");
    }

    @AfterEach
    void stop() {
        local.close();
    }

    static Stream<Arguments> invalidInputs() {
        return Stream.of(
                Arguments.of("not JSON", GOOD + "\n{\"custom_id\": oops\n", "invalid_json_line", 2),
                Arguments.of("not an object", GOOD + "\n[1,2,3]\n", "invalid_json_line", 2),
                Arguments.of("repeated custom_id", GOOD + "\n" + chatLine("ok", "again") + "\n",
                        "duplicate_custom_id", 2),
                Arguments.of("another url", GOOD + "\n" + GOOD.replace("\"ok\"", "\"e\"")
                        .replace("/v1/chat/completions", "/v1/embeddings") + "\n", "url_mismatch", 2),
                Arguments.of("another model", GOOD + "\n" + GOOD.replace("\"ok\"", "\"m\"")
                        .replace("gpt-4o-mini", "gpt-4o") + "\n", "model_mismatch", 2),
                Arguments.of("GET", GOOD.replace("\"POST\"", "\"GET\"") + "\n", "invalid_method", 1),
                Arguments.of("no custom_id", GOOD.replace("\"custom_id\":\"ok\",", "") + "\n",
                        "missing_required_parameter", 1),
                Arguments.of("no body", "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\"}\n",
                        "missing_required_parameter", 1),
                Arguments.of("too many", RunningProvider.chatLines(6), "too_many_tasks", 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidInputs")
    void should_fail_the_batch_naming_the_code_and_line(String name, String lines, String code, int line)
            throws Exception {
        JsonNode batch = local.awaitStatus(local.submit(lines), "failed");

        assertThat(batch.get("failed_at").isIntegralNumber()).isTrue();
        assertThat(batch.get("in_progress_at").isNull()).isTrue();
        assertThat(batch.get("output_file_id").isNull()).isTrue();
        JsonNode errors = batch.get("errors");
        assertThat(errors.get("object").asText()).isEqualTo("list");
        assertThat(errors.get("data")).hasSize(1);
        JsonNode error = errors.get("data").get(0);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("line").asInt()).isEqualTo(line);
        assertThat(error.get("message").asText()).isNotBlank();
    }

    @Test
    void should_fail_an_empty_file() throws Exception {
        JsonNode batch = local.awaitStatus(local.submit("\n  \n"), "failed");

        JsonNode error = batch.get("errors").get("data").get(0);
        assertThat(error.get("code").asText()).isEqualTo("empty_file");
        assertThat(error.get("line").isNull()).isTrue();
    }

    @Test
    void should_report_every_faulty_line_of_a_file() throws Exception {
        String lines = "nonsense\n" + GOOD + "\n" + chatLine("ok", "again") + "\n"
                       + GOOD.replace("\"ok\"", "\"x\"").replace("\"POST\"", "\"PUT\"") + "\n";
        JsonNode batch = local.awaitStatus(local.submit(lines), "failed");

        assertThat(batch.get("errors").get("data"))
                .extracting(error -> error.get("code").asText() + "@" + error.get("line").asInt())
                .containsExactly("invalid_json_line@1", "duplicate_custom_id@3", "invalid_method@4");
    }

    @Test
    void should_accept_crlf_line_ends_and_blank_lines() throws Exception {
        String lines = chatLine("a", "one") + "\r\n\r\n" + chatLine("b", "two") + "\r\n";
        JsonNode batch = local.awaitStatus(local.submit(lines), "completed");

        assertThat(batch.get("request_counts").get("completed").asInt()).isEqualTo(2);
    }
}
