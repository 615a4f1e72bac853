package dev.batchline.inbox;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.batchline.inbox.RecordFormat.Invalid;
import dev.batchline.inbox.RecordFormat.Request;
import dev.batchline.work.RequestId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Batch lines are written without a JSON tree: check that what comes out is the request that went in. */
class RecordFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordFormat format = new RecordFormat("gpt-4o-mini", null);
    private final LineBuffer line = new LineBuffer();

    @Test
    void should_copy_a_native_body_byte_for_byte_however_long() throws Exception {
        String body = "{ \"model\" : \"gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": \""
                      + "long ".repeat(5000) + "\\\"quoted\\\" \\u00e9\"}], \"max_tokens\": 5 }";
        Request request = (Request) parse("{\"custom_id\":\"n1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                                           + "\"body\":" + body + "}");

        assertThat(request.customId()).isEqualTo("n1");
        assertThat(request.model()).isEqualTo("gpt-4o-mini");
        String written = new String(line.bytes(), 0, line.size(), StandardCharsets.UTF_8);
        assertThat(written).isEqualTo("{\"custom_id\":\"7-41-2\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                                      + "\"body\":" + body + "}\n");
        assertThat(JSON.readTree(written).path("body")).isEqualTo(JSON.readTree(body));
    }

    @Test
    void should_build_a_chat_completion_from_a_simple_record_with_its_options() throws Exception {
        Request request = (Request) parse("{\"prompt\":\"Say \\\"hi\\\"\\n\\u00e9 \\\\ ok\",\"model\":\"gpt-4.1\","
                                           + "\"system\":\"Be \\\"brief\\\"\",\"max_tokens\":20,\"temperature\":0.25}");

        assertThat(request.customId()).isEqualTo("file-12");
        JsonNode written = written();
        assertThat(written.path("custom_id").asText()).isEqualTo("7-41-2");
        assertThat(written.path("url").asText()).isEqualTo("/v1/chat/completions");
        JsonNode body = written.path("body");
        assertThat(body.path("model").asText()).isEqualTo("gpt-4.1");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(20);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.25);
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo("Be \"brief\"");
        assertThat(body.path("messages").path(1).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").path(1).path("content").asText()).isEqualTo("Say \"hi\"\né \\ ok");
    }

    @Test
    void should_pass_messages_through_after_the_default_system_prompt() throws Exception {
        RecordFormat withSystem = new RecordFormat("gpt-4o-mini", "Default system");
        Request request = (Request) withSystem.parse(bytes("{\"id\":7,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}"), length, "file-", 12,
                new RequestId(7, 41, 2), line);

        assertThat(request.customId()).isEqualTo("7");
        JsonNode messages = written().path("body").path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.path(0).path("content").asText()).isEqualTo("Default system");
        assertThat(messages.path(2).path("content").asText()).isEqualTo("b");
    }

    @Test
    void should_name_what_is_wrong() {
        assertThat(code("{\"id\":\"x\",\"messages\":[]}")).isEqualTo("invalid_field");
        assertThat(code("{\"id\":\"x\",\"prompt\":42}")).isEqualTo("invalid_field");
        assertThat(code("{\"id\":\"x\",\"prompt\":\"p\",\"max_tokens\":1.5}")).isEqualTo("invalid_field");
        assertThat(code("{\"id\":\"x\",\"prompt\":\"p\"} {}")).isEqualTo("invalid_json");
        assertThat(code("{\"id\":\"x\",\"prompt\":\"p\"")).isEqualTo("invalid_json");
        assertThat(code("[{\"id\":\"x\"}]")).isEqualTo("not_an_object");
        assertThat(code("{\"custom_id\":\"c\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}"))
                .isEqualTo("missing_field");
    }

    private int length;

    private byte[] bytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        length = bytes.length;
        return bytes;
    }

    private RecordFormat.Parsed parse(String text) {
        return format.parse(bytes(text), length, "file-", 12, new RequestId(7, 41, 2), line);
    }

    private String code(String text) {
        return ((Invalid) parse(text)).code();
    }

    private JsonNode written() throws Exception {
        return JSON.readTree(new String(line.bytes(), 0, line.size(), StandardCharsets.UTF_8));
    }
}
