package dev.batchline.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import dev.batchline.config.Settings;

/**
 * How the local provider behaves: where it listens, where it keeps its state, how fast batches move, what limits it
 * enforces and which faults it injects. Every option is a {@code batchline.local.*} property; the defaults here are
 * the ones application.properties documents.
 */
public final class LocalProviderSettings {

    static final String PREFIX = "batchline.local.";
    static final Set<String> HOLDABLE = Set.of("validating", "in_progress", "finalizing", "cancelling");

    /** Interface to bind; loopback unless the user decides otherwise. */
    private final String host;
    /** Port to listen on; 0 picks a free one. */
    private final int port;
    /** Folder for uploaded files, batch records and batch runs; survives restarts. */
    private final Path dataDir;
    /** When set, every request must carry {@code Authorization: Bearer <key>}. Secret: never logged. */
    private final String apiKey;
    /** Threads that serve HTTP requests. */
    private final int threads;
    /** Time a new batch spends in {@code validating}. */
    private final Duration validatingDelay;
    /** Time a batch spends in {@code finalizing} once all its requests ran. */
    private final Duration finalizingDelay;
    /** Time a batch spends in {@code cancelling} before it is {@code cancelled}. */
    private final Duration cancellingDelay;
    /** Batch requests executed per second per batch; 0 runs them as fast as the machine allows. */
    private final int requestsPerSecond;
    /** Time after creation at which an unfinished batch expires (OpenAI: 24 h). */
    private final Duration completionWindow;
    /** Extra latency of every real-time answer (chat, embeddings, ...), as a hosted model would add. */
    private final Duration latency;
    /** Most requests in one batch input file. */
    private final int maxRequestsPerBatch;
    /** Largest batch input file. */
    private final long maxBatchFileBytes;
    /** Largest uploaded file. */
    private final long maxUploadBytes;
    /** Largest JSON request body. */
    private final long maxRequestBytes;
    /** Most batch creations in any hour. */
    private final int maxBatchesPerHour;
    /** Real-time requests allowed per minute before 429; 0 is unlimited. */
    private final int requestsPerMinute;
    /** Largest prompt plus completion in tokens. */
    private final int contextWindow;
    /** An OpenAI-compatible base URL (…/v1) that executes requests instead of the offline model. */
    private final String upstreamUrl;
    /** Key sent to the upstream. Secret: never logged. */
    private final String upstreamApiKey;
    /** A status in which new batches stop until the hold is lifted (a stuck batch). */
    private final String holdStatus;
    /** Batches expire after running this many requests; negative never (early expiry). */
    private final int expireAfterRequests;
    private final Set<String> unknownModels;
    /** The faults injected into HTTP requests. */
    private final Faults faults;

    private LocalProviderSettings(Settings settings) {
        host = settings.string(PREFIX + "host", "127.0.0.1");
        port = settings.integer(PREFIX + "port", 8089);
        dataDir = Path.of(settings.string(PREFIX + "data-dir", "work/local-provider"));
        apiKey = settings.value(PREFIX + "api-key");
        threads = settings.integer(PREFIX + "threads", 32);
        validatingDelay = settings.duration(PREFIX + "validating-delay", "1s");
        finalizingDelay = settings.duration(PREFIX + "finalizing-delay", "1s");
        cancellingDelay = settings.duration(PREFIX + "cancelling-delay", "1s");
        requestsPerSecond = settings.integer(PREFIX + "requests-per-second", 100);
        completionWindow = settings.duration(PREFIX + "completion-window", "24h");
        latency = settings.duration(PREFIX + "latency", "0ms");
        maxRequestsPerBatch = settings.integer(PREFIX + "max-requests-per-batch", 50_000);
        maxBatchFileBytes = settings.bytes(PREFIX + "max-batch-file-bytes", "200MB");
        maxUploadBytes = settings.bytes(PREFIX + "max-upload-bytes", "512MB");
        maxRequestBytes = settings.bytes(PREFIX + "max-request-bytes", "32MB");
        maxBatchesPerHour = settings.integer(PREFIX + "max-batches-per-hour", 2000);
        requestsPerMinute = settings.integer(PREFIX + "requests-per-minute", 0);
        contextWindow = settings.integer(PREFIX + "context-window", 128_000);
        upstreamUrl = trimSlash(settings.value(PREFIX + "upstream.url"));
        upstreamApiKey = settings.value(PREFIX + "upstream.api-key");
        holdStatus = settings.value(PREFIX + "fault.hold-status");
        expireAfterRequests = settings.integer(PREFIX + "fault.expire-after-requests", -1);
        String unknown = settings.value(PREFIX + "fault.unknown-models");
        unknownModels = unknown == null ? Set.of() : Arrays.stream(unknown.split(",")).map(String::trim)
                .filter(model -> !model.isEmpty()).collect(Collectors.toUnmodifiableSet());
        faults = Faults.from(settings);
        check();
    }

    public static LocalProviderSettings from(Settings settings) {
        return new LocalProviderSettings(settings);
    }

    private void check() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(PREFIX + "port must be between 0 and 65535, not " + port);
        }
        if (threads < 1) {
            throw new IllegalArgumentException(PREFIX + "threads must be at least 1");
        }
        if (requestsPerSecond < 0) {
            throw new IllegalArgumentException(PREFIX + "requests-per-second must be 0 (unlimited) or more");
        }
        if (holdStatus != null && !HOLDABLE.contains(holdStatus)) {
            throw new IllegalArgumentException(
                    PREFIX + "fault.hold-status must be one of " + HOLDABLE + ", not '" + holdStatus + "'");
        }
        if (maxRequestsPerBatch < 1 || maxBatchFileBytes < 1 || maxUploadBytes < 1 || maxRequestBytes < 1) {
            throw new IllegalArgumentException("The local provider's limits (" + PREFIX + "max-*) must be positive");
        }
    }

    private static String trimSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String apiKey() {
        return apiKey;
    }

    public int threads() {
        return threads;
    }

    public Duration validatingDelay() {
        return validatingDelay;
    }

    public Duration finalizingDelay() {
        return finalizingDelay;
    }

    public Duration cancellingDelay() {
        return cancellingDelay;
    }

    public int requestsPerSecond() {
        return requestsPerSecond;
    }

    public Duration completionWindow() {
        return completionWindow;
    }

    public Duration latency() {
        return latency;
    }

    public int maxRequestsPerBatch() {
        return maxRequestsPerBatch;
    }

    public long maxBatchFileBytes() {
        return maxBatchFileBytes;
    }

    public long maxUploadBytes() {
        return maxUploadBytes;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public int maxBatchesPerHour() {
        return maxBatchesPerHour;
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    public int contextWindow() {
        return contextWindow;
    }

    public String upstreamUrl() {
        return upstreamUrl;
    }

    public String upstreamApiKey() {
        return upstreamApiKey;
    }

    public String holdStatus() {
        return holdStatus;
    }

    public int expireAfterRequests() {
        return expireAfterRequests;
    }

    /** Models whose batches fail in validating with {@code model_not_found}, as a provider that lacks them. */
    public Set<String> unknownModels() {
        return unknownModels;
    }

    public Faults faults() {
        return faults;
    }

    /** Describes the settings for the log; the keys are shown only as set or not set. */
    @Override
    public String toString() {
        return "host=" + host + ", port=" + port + ", data-dir=" + dataDir
               + ", api-key=" + (apiKey != null ? "set" : "not set")
               + ", requests-per-second=" + (requestsPerSecond == 0 ? "unlimited" : requestsPerSecond)
               + ", validating/finalizing/cancelling=" + validatingDelay.toMillis() + "/"
               + finalizingDelay.toMillis() + "/" + cancellingDelay.toMillis() + " ms"
               + ", completion-window=" + completionWindow
               + (upstreamUrl != null ? ", upstream=" + upstreamUrl : ", model=offline")
               + (holdStatus != null ? ", hold-status=" + holdStatus : "");
    }
}
