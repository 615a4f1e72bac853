package dev.batchline.local;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Objects, pages and errors in OpenAI's exact shapes and status codes. */
class ApiResponsesTest {

    @TempDir
    Path dataDir;

    private RunningProvider local;

    @BeforeEach
    void start() {
        local = RunningProvider.start(dataDir, "batchline.local.fault.hold-status=validating");
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void should_page_batches_newest_first_with_cursors() throws Exception {
        String input = local.uploadBatchInput(RunningProvider.chatLines(1));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            created.add(0, local.createBatch(input, "/v1/chat/completions").get("id").asText());
        }

        List<String> listed = new ArrayList<>();
        String after = null;
        List<Boolean> hasMore = new ArrayList<>();
        do {
            JsonNode page = RunningProvider.json(local.get("/batches?limit=10" + (after == null ? "" : "&after="
                                                                                                     + after)));
            assertThat(page.get("object").asText()).isEqualTo("list");
            page.get("data").forEach(batch -> listed.add(batch.get("id").asText()));
            assertThat(page.get("first_id").asText()).isEqualTo(page.get("data").get(0).get("id").asText());
            after = page.get("last_id").asText();
            hasMore.add(page.get("has_more").asBoolean());
        } while (hasMore.get(hasMore.size() - 1));

        assertThat(listed).isEqualTo(created);
        assertThat(hasMore).containsExactly(true, true, false);
        assertThat(RunningProvider.json(local.get("/batches")).get("data")).hasSize(20);
    }

    @Test
    void should_reject_a_page_size_outside_1_to_100() throws Exception {
        assertError(local.get("/batches?limit=0"), 400, "invalid_request_error", "limit");
        assertError(local.get("/batches?limit=101"), 400, "invalid_request_error", "limit");
    }

    @Test
    void should_list_retrieve_and_delete_files() throws Exception {
        String first = local.uploadBatchInput(RunningProvider.chatLines(1));
        String second = RunningProvider.json(local.upload("notes.txt", "hello", "user_data")).get("id").asText();

        JsonNode all = RunningProvider.json(local.get("/files"));
        assertThat(all.get("data")).extracting(file -> file.get("id").asText()).containsExactly(second, first);
        JsonNode batchFiles = RunningProvider.json(local.get("/files?purpose=batch&order=asc"));
        assertThat(batchFiles.get("data")).extracting(file -> file.get("id").asText()).containsExactly(first);

        JsonNode file = RunningProvider.json(local.get("/files/" + second));
        assertThat(file.get("object").asText()).isEqualTo("file");
        assertThat(file.get("bytes").asLong()).isEqualTo(5);
        assertThat(file.get("filename").asText()).isEqualTo("notes.txt");
        assertThat(file.get("purpose").asText()).isEqualTo("user_data");
        assertThat(file.get("status").asText()).isEqualTo("processed");
        assertThat(file.get("expires_at").isNull()).isTrue();
        assertThat(local.get("/files/" + second + "/content").body()).isEqualTo("hello");

        JsonNode deleted = RunningProvider.json(local.delete("/files/" + second));
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertError(local.get("/files/" + second), 404, "invalid_request_error", "id");
    }

    @Test
    void should_set_a_file_expiry_from_expires_after() throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                      + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"expires_after[anchor]\"\r\n\r\n"
                      + "created_at\r\n--" + boundary + "\r\nContent-Disposition: form-data;"
                      + " name=\"expires_after[seconds]\"\r\n\r\n3600\r\n--" + boundary + "\r\nContent-Disposition:"
                      + " form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n{}\r\n--" + boundary + "--\r\n";
        JsonNode file = RunningProvider.json(local.send(local.request("/files")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))));

        assertThat(file.get("expires_at").asLong() - file.get("created_at").asLong()).isEqualTo(3600);
    }

    @Test
    void should_answer_404_for_unknown_ids_and_urls() throws Exception {
        assertError(local.get("/batches/batch_nope"), 404, "invalid_request_error", "id");
        assertError(local.get("/files/file-nope"), 404, "invalid_request_error", "id");
        assertError(local.get("/files/file-nope/content"), 404, "invalid_request_error", "id");
        assertError(local.post("/batches/batch_nope/cancel", ""), 404, "invalid_request_error", "id");
        assertError(local.get("/nothing-here"), 404, "invalid_request_error", null);
    }

    @Test
    void should_answer_400_for_bad_requests() throws Exception {
        String input = local.uploadBatchInput(RunningProvider.chatLines(1));
        assertError(local.post("/batches", "{not json"), 400, "invalid_request_error", null);
        assertError(local.post("/batches", "{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}"),
                400, "invalid_request_error", "input_file_id");
        assertError(local.post("/batches", batchRequest(input, "/v1/images", "24h", "")), 400,
                "invalid_request_error", "endpoint");
        assertError(local.post("/batches", batchRequest(input, "/v1/chat/completions", "1h", "")), 400,
                "invalid_request_error", "completion_window");
        StringBuilder metadata = new StringBuilder(",\"metadata\":{");
        for (int i = 0; i < 17; i++) {
            metadata.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertError(local.post("/batches", batchRequest(input, "/v1/chat/completions", "24h",
                metadata.append('}').toString())), 400, "invalid_request_error", "metadata");
        assertError(local.post("/batches", batchRequest(input, "/v1/chat/completions", "24h",
                ",\"metadata\":{\"k\":\"" + "x".repeat(513) + "\"}")), 400, "invalid_request_error", "metadata.k");
        assertError(local.post("/batches", batchRequest("file-nope", "/v1/chat/completions", "24h", "")), 404,
                "invalid_request_error", "input_file_id");
        assertError(local.upload("input.csv", "a,b", "batch"), 400, "invalid_request_error", "file");
        assertError(local.upload("input.jsonl", "{}", "homework"), 400, "invalid_request_error", "purpose");
        assertError(local.post("/chat/completions", "{\"model\":\"gpt-4o-mini\"}"), 400, "invalid_request_error",
                "messages");
    }

    @Test
    void should_keep_metadata_as_given() throws Exception {
        String input = local.uploadBatchInput(RunningProvider.chatLines(1));
        JsonNode batch = RunningProvider.json(local.post("/batches", batchRequest(input, "/v1/chat/completions",
                "24h", ",\"metadata\":{\"batchline_key\":\"abc-123\",\"source\":\"reviews.jsonl\"}")));

        assertThat(batch.get("metadata").get("batchline_key").asText()).isEqualTo("abc-123");
        assertThat(local.batch(batch.get("id").asText()).get("metadata")).isEqualTo(batch.get("metadata"));
    }

    @Test
    void should_give_every_batch_field_with_its_type() throws Exception {
        JsonNode batch = local.createBatch(local.uploadBatchInput(RunningProvider.chatLines(1)),
                "/v1/chat/completions");

        assertThat(batch.get("id").asText()).startsWith("batch_");
        assertThat(batch.get("object").asText()).isEqualTo("batch");
        assertThat(batch.get("completion_window").asText()).isEqualTo("24h");
        assertThat(batch.get("expires_at").asLong() - batch.get("created_at").asLong()).isEqualTo(24 * 3600);
        List<String> fields = new ArrayList<>();
        batch.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("id", "object", "endpoint", "model", "errors", "input_file_id",
                "completion_window", "status", "output_file_id", "error_file_id", "created_at", "in_progress_at",
                "expires_at", "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at",
                "cancelled_at", "request_counts", "usage", "metadata");
        for (String nullable : List.of("model", "errors", "output_file_id", "error_file_id", "in_progress_at",
                "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at",
                "metadata")) {
            assertThat(batch.get(nullable).isNull()).as(nullable).isTrue();
        }
    }

    private static String batchRequest(String input, String endpoint, String window, String extra) {
        return "{\"input_file_id\":\"" + input + "\",\"endpoint\":\"" + endpoint + "\",\"completion_window\":\""
               + window + "\"" + extra + "}";
    }

    static void assertError(HttpResponse<String> response, int status, String type, String param) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = RunningProvider.json(response);
        assertThat(body.size()).isEqualTo(1);
        JsonNode error = body.get("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("message", "type", "param", "code");
        assertThat(error.get("type").asText()).isEqualTo(type);
        assertThat(error.get("message").asText()).isNotBlank();
        if (param == null) {
            assertThat(error.get("param").isNull()).isTrue();
        } else {
            assertThat(error.get("param").asText()).isEqualTo(param);
        }
    }
}
