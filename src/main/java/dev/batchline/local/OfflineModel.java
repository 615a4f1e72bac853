package dev.batchline.local;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A model that needs no network: it answers every request deterministically from the request itself, so tests can
 * predict the answers, and counts tokens with the model's real tokenizer. A chat answer is
 * {@code "Offline answer to: <last user message>"} (cut to {@code max_tokens}); an embedding is a unit vector
 * seeded by the input text. Requests are checked as OpenAI checks them, and rejected with the same errors.
 */
final class OfflineModel implements Model {

    static final String ANSWER_PREFIX = "Offline answer to: ";
    private static final int QUOTED_CHARACTERS = 300;
    private static final int MAX_EMBEDDING_TOKENS = 8192;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final List<String> MODERATION_CATEGORIES = List.of("harassment", "harassment/threatening", "hate",
            "hate/threatening", "illicit", "illicit/violent", "self-harm", "self-harm/instructions",
            "self-harm/intent", "sexual", "sexual/minors", "violence", "violence/graphic");

    private final Tokenizer tokenizer;
    private final int contextWindow;
    private final Clock clock;

    OfflineModel(Tokenizer tokenizer, int contextWindow, Clock clock) {
        this.tokenizer = tokenizer;
        this.contextWindow = contextWindow;
        this.clock = clock;
    }

    @Override
    public Answer answer(String endpoint, JsonNode body) {
        try {
            if (body == null || !body.isObject()) {
                throw ApiError.invalidRequest("The request body must be a JSON object.", null, null);
            }
            return switch (endpoint) {
                case "/v1/chat/completions" -> chat(body);
                case "/v1/embeddings" -> embeddings(body);
                case "/v1/completions" -> completion(body);
                case "/v1/responses" -> response(body);
                case "/v1/moderations" -> moderation(body);
                default -> throw ApiError.invalidUrl("POST", endpoint);
            };
        } catch (ApiError e) {
            return Answer.of(e);
        }
    }

    private Answer chat(JsonNode body) {
        String model = Json.requiredText(body, "model", "model");
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw Json.missing("messages");
        }
        if (!messages.isArray()) {
            throw ApiError.invalidRequest("Invalid type for 'messages': expected an array, but got "
                                          + Json.describe(messages) + " instead.", "messages", "invalid_type");
        }
        if (messages.isEmpty()) {
            throw ApiError.invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1,"
                                          + " but got an empty array instead.", "messages", "empty_array");
        }
        int promptTokens = 3;
        String lastUser = "";
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            if (!message.isObject()) {
                throw ApiError.invalidRequest("Invalid type for '" + param + "': expected an object, but got "
                                              + Json.describe(message) + " instead.", param, "invalid_type");
            }
            String role = Json.requiredText(message, "role", param + ".role");
            if (!ROLES.contains(role)) {
                throw ApiError.invalidRequest("Invalid value: '" + role + "'. Supported values are: 'system', "
                                              + "'developer', 'user', 'assistant', 'tool' and 'function'.",
                        param + ".role", "invalid_value");
            }
            String content = contentText(message.get("content"), param + ".content");
            promptTokens += 3 + tokenizer.count(model, role) + tokenizer.count(model, content);
            if (message.hasNonNull("name")) {
                promptTokens += 1 + tokenizer.count(model, message.get("name").asText());
            }
            if (role.equals("user")) {
                lastUser = content;
            }
        }
        int choices = intParam(body, "n", 1, 128, 1);
        Integer maxTokens = maxTokens(body, "max_completion_tokens", "max_tokens");
        checkSampling(body);
        checkContext(promptTokens, maxTokens, choices, "messages");
        boolean json = body.path("response_format").path("type").asText().startsWith("json");

        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", Ids.withPrefix("chatcmpl-"));
        completion.put("object", "chat.completion");
        completion.put("created", clock.millis() / 1000);
        completion.put("model", model);
        ArrayNode list = completion.putArray("choices");
        long completionTokens = 0;
        for (int index = 0; index < choices; index++) {
            String text = answerText(lastUser, index);
            if (json) {
                text = Json.MAPPER.createObjectNode().put("answer", text).toString();
            }
            Cut cut = cut(model, text, maxTokens);
            completionTokens += cut.tokens;
            ObjectNode choice = list.addObject();
            choice.put("index", index);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", cut.text);
            message.putNull("refusal");
            message.putArray("annotations");
            choice.putNull("logprobs");
            choice.put("finish_reason", cut.truncated ? "length" : "stop");
        }
        ObjectNode usage = completion.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        completion.put("service_tier", "default");
        completion.put("system_fingerprint", "fp_offline");
        return new Answer(200, completion, promptTokens, completionTokens);
    }

    private Answer completion(JsonNode body) {
        String model = Json.requiredText(body, "model", "model");
        List<String> prompts = texts(body, "prompt", false);
        Integer maxTokens = maxTokens(body, "max_tokens", null);
        checkSampling(body);
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", Ids.withPrefix("cmpl-"));
        completion.put("object", "text_completion");
        completion.put("created", clock.millis() / 1000);
        completion.put("model", model);
        ArrayNode choices = completion.putArray("choices");
        long promptTokens = 0;
        long completionTokens = 0;
        for (int index = 0; index < prompts.size(); index++) {
            int tokens = tokenizer.count(model, prompts.get(index));
            checkContext(tokens, maxTokens == null ? 16 : maxTokens, 1, "prompt");
            promptTokens += tokens;
            Cut cut = cut(model, answerText(prompts.get(index), 0), maxTokens == null ? 16 : maxTokens);
            completionTokens += cut.tokens;
            ObjectNode choice = choices.addObject();
            choice.put("text", cut.text);
            choice.put("index", index);
            choice.putNull("logprobs");
            choice.put("finish_reason", cut.truncated ? "length" : "stop");
        }
        ObjectNode usage = completion.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return new Answer(200, completion, promptTokens, completionTokens);
    }

    private Answer response(JsonNode body) {
        String model = Json.requiredText(body, "model", "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw Json.missing("input");
        }
        String instructions = Json.optionalText(body, "instructions", "instructions");
        int inputTokens = tokenizer.count(model, instructions);
        String lastUser;
        if (input.isTextual()) {
            lastUser = input.textValue();
            inputTokens += tokenizer.count(model, lastUser);
        } else if (input.isArray()) {
            lastUser = "";
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                String content = contentText(item.get("content"), "input[" + i + "].content");
                inputTokens += 3 + tokenizer.count(model, content);
                if ("user".equals(item.path("role").asText())) {
                    lastUser = content;
                }
            }
        } else {
            throw ApiError.invalidRequest("Invalid type for 'input': expected a string or an array, but got "
                                          + Json.describe(input) + " instead.", "input", "invalid_type");
        }
        Integer maxTokens = maxTokens(body, "max_output_tokens", null);
        checkSampling(body);
        checkContext(inputTokens, maxTokens, 1, "input");
        Cut cut = cut(model, answerText(lastUser, 0), maxTokens);
        long now = clock.millis() / 1000;
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.put("id", Ids.withPrefix("resp_"));
        response.put("object", "response");
        response.put("created_at", now);
        response.put("status", cut.truncated ? "incomplete" : "completed");
        response.putNull("error");
        if (cut.truncated) {
            response.putObject("incomplete_details").put("reason", "max_output_tokens");
        } else {
            response.putNull("incomplete_details");
        }
        response.put("instructions", instructions);
        if (maxTokens == null) {
            response.putNull("max_output_tokens");
        } else {
            response.put("max_output_tokens", maxTokens);
        }
        response.put("model", model);
        ObjectNode message = response.putArray("output").addObject();
        message.put("type", "message");
        message.put("id", Ids.withPrefix("msg_"));
        message.put("status", cut.truncated ? "incomplete" : "completed");
        message.put("role", "assistant");
        ObjectNode text = message.putArray("content").addObject();
        text.put("type", "output_text");
        text.put("text", cut.text);
        text.putArray("annotations");
        response.put("parallel_tool_calls", true);
        response.putArray("tools");
        ObjectNode usage = response.putObject("usage");
        usage.put("input_tokens", inputTokens);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", cut.tokens);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", inputTokens + cut.tokens);
        return new Answer(200, response, inputTokens, cut.tokens);
    }

    private Answer embeddings(JsonNode body) {
        String model = Json.requiredText(body, "model", "model");
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw Json.missing("input");
        }
        List<String> texts = new ArrayList<>();
        List<Integer> tokenCounts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.textValue());
        } else if (input.isArray() && !input.isEmpty() && input.get(0).isNumber()) {
            texts.add(input.toString());
            tokenCounts.add(input.size());
        } else if (input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (item.isTextual()) {
                    texts.add(item.textValue());
                } else if (item.isArray()) {
                    texts.add(item.toString());
                    tokenCounts.add(item.size());
                } else {
                    throw ApiError.invalidRequest("Invalid 'input': each item must be a string or an array of"
                                                  + " tokens.", "input", "invalid_type");
                }
            }
        } else {
            throw ApiError.invalidRequest("Invalid 'input': expected a non-empty string or array.", "input",
                    "invalid_value");
        }
        int dimensions = intParam(body, "dimensions", 1, 3072, model.contains("-large") ? 3072 : 1536);
        String format = body.path("encoding_format").asText("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiError.invalidRequest("Invalid value for 'encoding_format': '" + format + "'. Supported values"
                                          + " are: 'float' and 'base64'.", "encoding_format", "invalid_value");
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("object", "list");
        ArrayNode data = result.putArray("data");
        long tokens = 0;
        for (int index = 0; index < texts.size(); index++) {
            String text = texts.get(index);
            if (text.isEmpty()) {
                throw ApiError.invalidRequest("'$.input' is invalid: an input must not be empty.", "input",
                        "invalid_value");
            }
            int count = index < tokenCounts.size() && tokenCounts.get(index) != null ? tokenCounts.get(index)
                    : tokenizer.count(model, text);
            if (count > MAX_EMBEDDING_TOKENS) {
                throw ApiError.invalidRequest("This model's maximum context length is " + MAX_EMBEDDING_TOKENS
                                              + " tokens, however you requested " + count + " tokens in input "
                                              + index + ".", "input", "context_length_exceeded");
            }
            tokens += count;
            float[] vector = embedding(text, dimensions);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", index);
            if (format.equals("base64")) {
                ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float value : vector) {
                    bytes.putFloat(value);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float value : vector) {
                    values.add(value);
                }
            }
        }
        result.put("model", model);
        result.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return new Answer(200, result, tokens, 0);
    }

    private Answer moderation(JsonNode body) {
        String model = body.path("model").asText("omni-moderation-latest");
        List<String> texts = texts(body, "input", true);
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("id", Ids.withPrefix("modr-"));
        result.put("model", model);
        ArrayNode results = result.putArray("results");
        for (String text : texts) {
            String lower = text.toLowerCase(Locale.ROOT);
            ObjectNode item = results.addObject();
            ObjectNode categories = Json.MAPPER.createObjectNode();
            ObjectNode scores = Json.MAPPER.createObjectNode();
            boolean flagged = false;
            for (String category : MODERATION_CATEGORIES) {
                boolean hit = lower.contains(category.substring(category.indexOf('/') + 1));
                flagged |= hit;
                categories.put(category, hit);
                scores.put(category, hit ? 0.9 : 0.0001);
            }
            item.put("flagged", flagged);
            item.set("categories", categories);
            item.set("category_scores", scores);
        }
        return new Answer(200, result, 0, 0);
    }

    /** The answer of choice {@code index} to a prompt. */
    static String answerText(String prompt, int index) {
        String quoted = prompt.length() > QUOTED_CHARACTERS ? prompt.substring(0, QUOTED_CHARACTERS) + "…" : prompt;
        return ANSWER_PREFIX + quoted + (index == 0 ? "" : " (alternative " + index + ")");
    }

    private record Cut(String text, int tokens, boolean truncated) {
    }

    private Cut cut(String model, String text, Integer maxTokens) {
        int tokens = tokenizer.count(model, text);
        if (maxTokens == null || tokens <= maxTokens) {
            return new Cut(text, tokens, false);
        }
        return new Cut(tokenizer.truncate(model, text, maxTokens), maxTokens, true);
    }

    private static String contentText(JsonNode content, String param) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (content.isArray()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if (part.hasNonNull("text")) {
                    text.append(part.get("text").asText());
                }
            }
            return text.toString();
        }
        throw ApiError.invalidRequest("Invalid type for '" + param + "': expected a string or an array of content"
                                      + " parts, but got " + Json.describe(content) + " instead.", param,
                "invalid_type");
    }

    private static List<String> texts(JsonNode body, String field, boolean moderation) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw Json.missing(field);
        }
        List<String> texts = new ArrayList<>();
        if (value.isTextual()) {
            texts.add(value.textValue());
        } else if (value.isArray() && !value.isEmpty()) {
            for (JsonNode item : value) {
                if (item.isTextual()) {
                    texts.add(item.textValue());
                } else if (moderation && item.has("text")) {
                    texts.add(item.get("text").asText());
                } else {
                    throw ApiError.invalidRequest("Invalid '" + field + "': expected strings.", field,
                            "invalid_type");
                }
            }
        } else {
            throw ApiError.invalidRequest("Invalid '" + field + "': expected a string or a non-empty array.", field,
                    "invalid_value");
        }
        return texts;
    }

    private static Integer maxTokens(JsonNode body, String field, String legacyField) {
        String used = body.hasNonNull(field) ? field : legacyField != null && body.hasNonNull(legacyField)
                ? legacyField : null;
        if (used == null) {
            return null;
        }
        return intParam(body, used, 1, Integer.MAX_VALUE, 0);
    }

    private static int intParam(JsonNode body, String field, int min, int max, int defaultValue) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        if (!value.isIntegralNumber()) {
            throw ApiError.invalidRequest("Invalid type for '" + field + "': expected an integer, but got "
                                          + Json.describe(value) + " instead.", field, "invalid_type");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw ApiError.invalidRequest("Invalid '" + field + "': " + number + " is out of range; expected a value"
                                          + " between " + min + " and " + max + ".", field,
                    number < min ? "integer_below_min_value" : "integer_above_max_value");
        }
        return (int) number;
    }

    private static void checkSampling(JsonNode body) {
        checkRange(body, "temperature", 0, 2);
        checkRange(body, "top_p", 0, 1);
        checkRange(body, "presence_penalty", -2, 2);
        checkRange(body, "frequency_penalty", -2, 2);
    }

    private static void checkRange(JsonNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw ApiError.invalidRequest("Invalid type for '" + field + "': expected a number, but got "
                                          + Json.describe(value) + " instead.", field, "invalid_type");
        }
        double number = value.asDouble();
        if (number < min || number > max) {
            throw ApiError.invalidRequest("Invalid '" + field + "': " + value + " is out of range; expected a value"
                                          + " between " + min + " and " + max + ".", field,
                    number < min ? "decimal_below_min_value" : "decimal_above_max_value");
        }
    }

    private void checkContext(long promptTokens, Integer maxTokens, int choices, String param) {
        long requested = promptTokens + (maxTokens == null ? 0 : (long) maxTokens * choices);
        if (requested > contextWindow) {
            throw ApiError.invalidRequest("This model's maximum context length is " + contextWindow + " tokens."
                                          + " However, you requested " + requested + " tokens (" + promptTokens
                                          + " in the messages, " + (requested - promptTokens)
                                          + " in the completion). Please reduce the length of the messages or"
                                          + " completion.", param, "context_length_exceeded");
        }
    }

    /** A unit vector that depends only on the text and the dimensions. */
    private static float[] embedding(String text, int dimensions) {
        long seed = 1125899906842597L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            double value = random.nextDouble(-1.0, 1.0);
            vector[i] = (float) value;
            norm += value * value;
        }
        float scale = (float) (1.0 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }
}
