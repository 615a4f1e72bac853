package dev.batchline.provider;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import dev.batchline.failure.FailureClass;
import dev.batchline.failure.Failures;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * How long to wait before trying a failed provider call again: the provider's {@code retry-after-ms} or
 * {@code Retry-After} when it sends one, otherwise an exponential back-off with jitter, capped. Which failures are
 * worth another attempt is {@link Failures}' decision (the transient ones). The route configurations use it as the
 * {@code onWhen} of their exception clause and as the processor that sets Camel's redelivery delay; {@code Waits}
 * uses it for the back-off of work that waits between rounds.
 */
public final class RetryPolicy implements Processor {

    /** The longest wait honoured when a provider asks for one, so a wrong header cannot park work for days. */
    private static final long LONGEST_ASKED_MILLIS = Duration.ofHours(1).toMillis();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Duration maxWaitInPlace;
    private final DoubleSupplier jitter;

    public RetryPolicy(Duration initialDelay, Duration maxDelay, Duration maxWaitInPlace) {
        this(initialDelay, maxDelay, maxWaitInPlace, () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryPolicy(Duration initialDelay, Duration maxDelay, Duration maxWaitInPlace, DoubleSupplier jitter) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.maxWaitInPlace = maxWaitInPlace;
        this.jitter = jitter;
    }

    /** Whether the failure of this exchange is worth another attempt (a real-time call waits for it). */
    public boolean retryable(Exchange exchange) {
        return Failures.ofCall(Failures.failureOf(exchange)) == FailureClass.TRANSIENT;
    }

    /**
     * Whether the failure of this exchange is worth another attempt in place, that is, with a wait no longer than
     * {@code batchline.provider.max-retry-wait}; a failure that needs a longer wait leaves its batch waiting
     * instead, so that the other batches go on meanwhile.
     */
    public boolean retryableInPlace(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        int retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        return Failures.ofCall(failure) == FailureClass.TRANSIENT
               && nominalDelayMillis(failure, retries) <= maxWaitInPlace.toMillis();
    }

    /** Sets the delay before the next attempt; Camel calls it when an attempt failed. */
    @Override
    public void process(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delayMillis(failure, attempt));
    }

    /** Milliseconds to wait after the given number of failed retries (0 for the first failure), capped. */
    long delayMillis(Throwable failure, int retries) {
        Long asked = askedMillis(failure);
        if (asked != null) {
            return Math.min(asked, maxDelay.toMillis());
        }
        return backoffMillis(retries);
    }

    /**
     * Milliseconds that work waits after its {@code failures}-th failure in a row: what the provider asked for
     * (up to an hour), otherwise the capped back-off.
     */
    public long waitMillis(Throwable failure, int failures) {
        Long asked = askedMillis(failure);
        if (asked != null) {
            return Math.min(asked, LONGEST_ASKED_MILLIS);
        }
        return backoffMillis(Math.max(0, failures - 1));
    }

    /** The wait before the next try without the jitter: the longest it can be. */
    private long nominalDelayMillis(Throwable failure, int retries) {
        Long asked = askedMillis(failure);
        return asked != null ? asked : (long) cappedBackoffMillis(retries);
    }

    private long backoffMillis(int retries) {
        // full jitter between half and all of the capped delay
        return (long) (cappedBackoffMillis(retries) * (0.5 + 0.5 * jitter.getAsDouble()));
    }

    private double cappedBackoffMillis(int retries) {
        return Math.min(initialDelay.toMillis() * Math.pow(2, Math.min(retries, 20)), maxDelay.toMillis());
    }

    private static Long askedMillis(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpOperationFailedException http) {
                return retryAfterMillis(http.getResponseHeaders());
            }
            if (cause instanceof ProviderException provider) {
                return provider.retryAfterMillis();
            }
        }
        return null;
    }

    /** The wait a provider asks for in its {@code retry-after-ms} or {@code Retry-After} header, or null. */
    static Long retryAfterMillis(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                if (header.getKey().equalsIgnoreCase("retry-after-ms")) {
                    return Math.max(0, (long) Double.parseDouble(header.getValue().trim()));
                }
            } catch (NumberFormatException e) {
                // fall back to Retry-After or the back-off
            }
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                if (header.getKey().equalsIgnoreCase("retry-after")) {
                    return Math.max(0, (long) (Double.parseDouble(header.getValue().trim()) * 1000));
                }
            } catch (NumberFormatException e) {
                // an HTTP date: use the back-off
            }
        }
        return null;
    }
}
