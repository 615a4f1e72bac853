package dev.batchline.local;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The real-time endpoints: chat completions (plain and streamed) and embeddings, with usage and rate limits. */
class RealtimeTest {

    @TempDir
    Path dataDir;

    @Test
    void should_answer_a_chat_completion_with_usage() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            JsonNode completion = RunningProvider.json(local.post("/chat/completions", "{\"model\":\"gpt-4o-mini\","
                    + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\","
                    + "\"content\":\"What is Camel?\"}]}"));

            assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
            assertThat(completion.get("id").asText()).startsWith("chatcmpl-");
            JsonNode choice = completion.get("choices").get(0);
            assertThat(choice.get("message").get("content").asText()).isEqualTo("Offline answer to: What is Camel?");
            assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
            var o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
            int prompt = 3 + 3 + o200k.countTokens("system") + o200k.countTokens("Be brief.")
                         + 3 + o200k.countTokens("user") + o200k.countTokens("What is Camel?");
            JsonNode usage = completion.get("usage");
            assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(prompt);
            assertThat(usage.get("completion_tokens").asInt())
                    .isEqualTo(o200k.countTokens("Offline answer to: What is Camel?"));
            assertThat(usage.get("total_tokens").asInt())
                    .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
        }
    }

    @Test
    void should_stop_at_max_tokens_with_finish_reason_length() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            JsonNode completion = RunningProvider.json(local.post("/chat/completions", "{\"model\":\"gpt-4o-mini\","
                    + "\"max_completion_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"a long question"
                    + "\"}]}"));

            assertThat(completion.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
            assertThat(completion.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
        }
    }

    @Test
    void should_stream_a_chat_completion_as_server_sent_events() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            HttpResponse<String> response = local.post("/chat/completions", "{\"model\":\"gpt-4o-mini\",\"stream\":"
                    + "true,\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\""
                    + ":\"stream me\"}]}");

            assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
            List<String> events = response.body().lines().filter(line -> line.startsWith("data: "))
                    .map(line -> line.substring(6)).toList();
            assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
            StringBuilder content = new StringBuilder();
            for (String event : events.subList(0, events.size() - 1)) {
                JsonNode chunk = RunningProvider.JSON.readTree(event);
                assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
                chunk.get("choices").forEach(choice -> content.append(choice.get("delta").path("content").asText()));
            }
            assertThat(content.toString()).isEqualTo("Offline answer to: stream me");
            JsonNode usage = RunningProvider.JSON.readTree(events.get(events.size() - 2)).get("usage");
            assertThat(usage.get("completion_tokens").asInt()).isPositive();
        }
    }

    @Test
    void should_embed_deterministically_as_floats_or_base64() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir)) {
            JsonNode floats = RunningProvider.json(local.post("/embeddings", "{\"model\":\"text-embedding-3-small\","
                    + "\"input\":[\"alpha\",\"beta\"]}"));
            JsonNode again = RunningProvider.json(local.post("/embeddings", "{\"model\":\"text-embedding-3-small\","
                    + "\"input\":\"alpha\",\"encoding_format\":\"base64\"}"));

            assertThat(floats.get("data")).hasSize(2);
            JsonNode alpha = floats.get("data").get(0).get("embedding");
            assertThat(alpha).hasSize(1536);
            double norm = 0;
            for (JsonNode value : alpha) {
                norm += value.asDouble() * value.asDouble();
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
            ByteBuffer decoded = ByteBuffer.wrap(Base64.getDecoder()
                    .decode(again.get("data").get(0).get("embedding").asText())).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(decoded.getFloat(0)).isEqualTo(alpha.get(0).floatValue());
            assertThat(floats.get("usage").get("prompt_tokens").asInt()).isEqualTo(2);
        }
    }

    @Test
    void should_limit_requests_per_minute_with_true_headers() throws Exception {
        try (RunningProvider local = RunningProvider.start(dataDir, "batchline.local.requests-per-minute=2")) {
            String chat = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> first = local.post("/chat/completions", chat);
            local.post("/chat/completions", chat);
            HttpResponse<String> third = local.post("/chat/completions", chat);

            assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
            assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(Integer.parseInt(third.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 60);
        }
    }
}
