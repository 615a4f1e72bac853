package dev.batchline.local;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Turns a chat completion into the {@code chat.completion.chunk} events of a streamed answer, word by word. */
final class ChatStream {

    private ChatStream() {
    }

    static List<String> events(JsonNode completion, boolean includeUsage) {
        List<String> events = new ArrayList<>();
        for (JsonNode choice : completion.get("choices")) {
            int index = choice.get("index").asInt();
            ObjectNode first = chunk(completion, index, includeUsage);
            delta(first).put("role", "assistant").put("content", "");
            events.add(first.toString());
            String content = choice.path("message").path("content").asText("");
            int from = 0;
            while (from < content.length()) {
                int space = content.indexOf(' ', from + 1);
                int to = space < 0 ? content.length() : space;
                ObjectNode piece = chunk(completion, index, includeUsage);
                delta(piece).put("content", content.substring(from, to));
                events.add(piece.toString());
                from = to;
            }
            ObjectNode last = chunk(completion, index, includeUsage);
            delta(last);
            ((ObjectNode) last.get("choices").get(0)).put("finish_reason", choice.get("finish_reason").asText());
            events.add(last.toString());
        }
        if (includeUsage) {
            ObjectNode usage = chunk(completion, 0, false);
            usage.putArray("choices");
            usage.set("usage", completion.get("usage"));
            events.add(usage.toString());
        }
        events.add("[DONE]");
        return events;
    }

    private static ObjectNode chunk(JsonNode completion, int index, boolean includeUsage) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", completion.get("id").asText());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", completion.get("created").asLong());
        chunk.put("model", completion.get("model").asText());
        chunk.put("system_fingerprint", completion.path("system_fingerprint").asText(null));
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private static ObjectNode delta(ObjectNode chunk) {
        return ((ObjectNode) chunk.get("choices").get(0)).putObject("delta");
    }
}
