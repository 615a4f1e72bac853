package dev.batchline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.Service;

/**
 * Starts a service on another thread as soon as it is configured, so that opening the state store or binding the
 * local provider overlaps Camel loading its routes; Camel's start of the service waits for it and fails as the
 * service would.
 */
final class EarlyStart implements Service {

    private final Service service;
    private final CompletableFuture<Void> started;

    EarlyStart(Service service) {
        this.service = service;
        this.started = CompletableFuture.runAsync(service::start);
    }

    @Override
    public void start() {
        try {
            started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    @Override
    public void stop() {
        started.cancel(false);
        service.stop();
    }
}
