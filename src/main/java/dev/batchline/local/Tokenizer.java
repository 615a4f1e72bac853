package dev.batchline.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingResult;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens as OpenAI's models do (o200k_base for the GPT-4o, GPT-4.1, GPT-5 and o-series families, cl100k_base
 * for the others), so the offline model's usage figures are honest.
 */
final class Tokenizer {

    private final EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    private final Map<String, Encoding> byModel = new ConcurrentHashMap<>();

    Encoding encoding(String model) {
        return byModel.computeIfAbsent(model == null ? "" : model, this::lookup);
    }

    private Encoding lookup(String model) {
        return registry.getEncodingForModel(model).orElseGet(() -> registry.getEncoding(
                model.startsWith("gpt-4o") || model.startsWith("gpt-4.1") || model.startsWith("gpt-5")
                || model.startsWith("o1") || model.startsWith("o3") || model.startsWith("o4")
                || model.startsWith("chatgpt-") ? EncodingType.O200K_BASE : EncodingType.CL100K_BASE));
    }

    int count(String model, String text) {
        return text == null || text.isEmpty() ? 0 : encoding(model).countTokensOrdinary(text);
    }

    /** The longest prefix of {@code text} that has at most {@code maxTokens} tokens. */
    String truncate(String model, String text, int maxTokens) {
        Encoding encoding = encoding(model);
        EncodingResult result = encoding.encodeOrdinary(text, maxTokens);
        return result.isTruncated() ? encoding.decode(result.getTokens()) : text;
    }
}
