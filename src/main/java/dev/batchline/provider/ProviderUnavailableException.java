package dev.batchline.provider;

/**
 * A batch is held by a provider that this configuration cannot reach: the embedded local provider, when
 * {@code batchline.local.enabled} is false. The batch waits until it is reachable again.
 */
public final class ProviderUnavailableException extends RuntimeException {

    public ProviderUnavailableException(String message) {
        super(message);
    }
}
