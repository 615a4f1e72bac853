package dev.batchline.provider;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.batchline.config.Settings;
import dev.batchline.local.LocalProvider;
import dev.batchline.state.BatchRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers Batchline talks to: the one {@code batchline.provider} chooses, which takes new batches and real-time
 * calls, and the ones earlier batches were created at, which keep serving those batches (SPEC section 6: each batch
 * is tracked at the provider that holds it). A provider is named in the state store as {@code local} (the embedded
 * local provider, wherever it listens now), {@code openai}, or its base URL. The configured key goes to the current
 * provider, and to another one only for batches that were uploaded there with that same key: a key is never sent
 * to a provider it was not meant for.
 */
public final class Providers {

    public static final String LOCAL = "local";
    public static final String OPENAI = "openai";
    static final String OPENAI_URL = "https://api.openai.com/v1";
    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    private final LocalProvider local;
    private final String apiKey;
    private final Provider current;
    private final Map<String, Provider> known = new ConcurrentHashMap<>();

    private Providers(LocalProvider local, String apiKey, String currentName) {
        this.local = local;
        this.apiKey = apiKey;
        this.current = currentName.equals(LOCAL) ? local() : create(currentName, apiKey);
    }

    /**
     * Chooses the provider of new batches from {@code batchline.provider}: {@code local}, {@code openai}, a base URL,
     * or {@code auto} (OpenAI when a key is configured, the local provider otherwise).
     */
    public static Providers from(Settings settings, LocalProvider local) {
        String choice = settings.string("batchline.provider", "auto");
        String key = settings.value("batchline.provider.api-key");
        String lower = choice.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            choice = key != null ? OPENAI : LOCAL;
        } else if (lower.equals(LOCAL) || lower.equals(OPENAI)) {
            choice = lower;
        } else if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IllegalArgumentException("batchline.provider is '" + choice + "' but must be auto, local,"
                                               + " openai or a base URL such as http://127.0.0.1:11434/v1");
        }
        if (choice.equals(LOCAL) && local == null) {
            throw new IllegalArgumentException("batchline.provider is 'local' but batchline.local.enabled is"
                                               + " false: enable the local provider or choose another provider");
        }
        if (choice.equals(OPENAI) && key == null) {
            throw new IllegalArgumentException("batchline.provider is 'openai' but no API key is configured:"
                                               + " set OPENAI_API_KEY");
        }
        Providers providers = new Providers(local, key, choice.endsWith("/")
                ? choice.substring(0, choice.length() - 1) : choice);
        LOG.info("Provider of new batches: {}{}", providers.current.name(),
                providers.current.hasKey() ? " (API key set)" : "");
        return providers;
    }

    /** The provider of new batches and real-time calls. */
    public Provider current() {
        return current;
    }

    /**
     * The provider that holds a batch, by the name the state store keeps for it.
     *
     * @throws ProviderUnavailableException when it is the embedded local provider and that is disabled
     */
    public Provider of(BatchRecord batch) {
        String name = batch.provider();
        if (name.equals(current.name())) {
            return current;
        }
        if (name.equals(LOCAL)) {
            if (local == null) {
                throw new ProviderUnavailableException("it is held by the embedded local provider, which is disabled"
                                                       + " (batchline.local.enabled=false): enable it to finish the"
                                                       + " batch");
            }
            return known.computeIfAbsent(LOCAL, key -> local());
        }
        boolean sameKey = apiKey != null && Provider.fingerprint(apiKey).equals(batch.keyFingerprint());
        return known.computeIfAbsent(name + (sameKey ? " with the key" : " without a key"),
                key -> create(name, sameKey ? apiKey : null));
    }

    /** Whether the provider of that name can be reached with this configuration. */
    public boolean available(String name) {
        return !name.equals(LOCAL) || local != null;
    }

    /** The embedded local provider, wherever it listens now, with its own key. */
    private Provider local() {
        return new Provider(LOCAL, local::baseUrl, local.settings().apiKey());
    }

    private static Provider create(String name, String key) {
        if (name.equals(OPENAI)) {
            return new Provider(OPENAI, () -> OPENAI_URL, key);
        }
        if (name.startsWith("http://") || name.startsWith("https://")) {
            return new Provider(name, () -> name, key);
        }
        throw new IllegalStateException("The state store names an unknown provider '" + name + "'");
    }
}
