package dev.batchline.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

import org.apache.camel.Message;

/**
 * One provider Batchline talks to: the embedded local provider, OpenAI, or an OpenAI-compatible base URL. Holds the
 * API key, which never leaves this class except as a request header.
 */
public final class Provider {

    private final String name;
    private final Supplier<String> baseUrl;
    private final String apiKey;

    public Provider(String name, Supplier<String> baseUrl, String apiKey) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
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

    /** Whether a key is configured for this provider. */
    public boolean hasKey() {
        return apiKey != null;
    }

    /** A digest (SHA-256, hex) of the key, which tells keys apart without holding one; null without a key. */
    public String keyFingerprint() {
        return fingerprint(apiKey);
    }

    static String fingerprint(String key) {
        if (key == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
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
