package dev.batchline.provider;

import java.util.Locale;
import java.util.function.Supplier;

import dev.batchline.config.Settings;
import dev.batchline.local.LocalProvider;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider Batchline talks to: the embedded local provider, OpenAI, or any OpenAI-compatible base URL, chosen
 * by {@code batchline.provider}. Holds the API key, which never leaves this class except as a request header.
 */
public final class Provider {

    static final String OPENAI_URL = "https://api.openai.com/v1";
    private static final Logger LOG = LoggerFactory.getLogger(Provider.class);

    private final String name;
    private final Supplier<String> baseUrl;
    private final String apiKey;

    public Provider(String name, Supplier<String> baseUrl, String apiKey) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /**
     * Chooses the provider: {@code local}, {@code openai}, a base URL, or {@code auto} (OpenAI when a key is
     * configured, the local provider otherwise).
     */
    public static Provider from(Settings settings, LocalProvider local) {
        String choice = settings.string("batchline.provider", "auto").toLowerCase(Locale.ROOT);
        String key = settings.value("batchline.provider.api-key");
        if (choice.equals("auto")) {
            choice = key != null ? "openai" : "local";
        }
        Provider provider;
        if (choice.equals("local")) {
            if (local == null) {
                throw new IllegalArgumentException("batchline.provider is 'local' but batchline.local.enabled is"
                                                   + " false: enable the local provider or choose another provider");
            }
            provider = new Provider("local", local::baseUrl, local.settings().apiKey());
        } else if (choice.equals("openai")) {
            if (key == null) {
                throw new IllegalArgumentException("batchline.provider is 'openai' but no API key is configured:"
                                                   + " set OPENAI_API_KEY");
            }
            provider = new Provider("openai", () -> OPENAI_URL, key);
        } else if (choice.startsWith("http://") || choice.startsWith("https://")) {
            String url = settings.value("batchline.provider");
            String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            provider = new Provider(trimmed, () -> trimmed, key);
        } else {
            throw new IllegalArgumentException("batchline.provider is '" + choice + "' but must be auto, local,"
                                               + " openai or a base URL such as http://127.0.0.1:11434/v1");
        }
        LOG.info("Provider: {}{}", provider.name, provider.apiKey != null ? " (API key set)" : "");
        return provider;
    }

    /** Names the provider in the state store and logs: {@code local}, {@code openai} or the base URL. */
    public String name() {
        return name;
    }

    public String baseUrl() {
        return baseUrl.get();
    }

    /** The full URL of a path under the base URL, such as {@code /batches}. */
    public String url(String path) {
        return baseUrl() + path;
    }

    /** Sets the Authorization header on a message bound for the provider, when a key is configured. */
    public void authorize(Message message) {
        if (apiKey != null) {
            message.setHeader("Authorization", "Bearer " + apiKey);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
