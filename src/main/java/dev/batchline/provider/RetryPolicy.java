package dev.batchline.provider;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Which failed provider calls are retried and after how long: 408, 409, 429, 5xx and connection failures, after
 * the provider's {@code retry-after-ms} or {@code Retry-After} when it sends one, otherwise after an exponential
 * back-off with jitter, capped. The route configurations use it as the {@code onWhen} of their exception clause and
 * as the processor that sets Camel's redelivery delay.
 */
public final class RetryPolicy implements Processor {

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final DoubleSupplier jitter;

    public RetryPolicy(Duration initialDelay, Duration maxDelay) {
        this(initialDelay, maxDelay, () -> ThreadLocalRandom.current().nextDouble());
    }

    RetryPolicy(Duration initialDelay, Duration maxDelay, DoubleSupplier jitter) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
    }

    /** Whether the failure of this exchange is worth another attempt. */
    public boolean retryable(Exchange exchange) {
        return retryable(exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    static boolean retryable(Throwable failure) {
        if (failure instanceof HttpOperationFailedException http) {
            int status = http.getStatusCode();
            return status == 408 || status == 409 || status == 429 || status >= 500;
        }
        return failure instanceof IOException;
    }

    /** Sets the delay before the next attempt; Camel calls it when an attempt failed. */
    @Override
    public void process(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, delayMillis(failure, attempt));
    }

    /** Milliseconds to wait after the given number of failed retries (0 for the first failure). */
    long delayMillis(Throwable failure, int retries) {
        if (failure instanceof HttpOperationFailedException http) {
            Long asked = retryAfter(http.getResponseHeaders());
            if (asked != null) {
                return Math.min(Math.max(asked, 0), maxDelay.toMillis());
            }
        }
        double backoff = initialDelay.toMillis() * Math.pow(2, Math.min(retries, 20));
        double capped = Math.min(backoff, maxDelay.toMillis());
        // full jitter between half and all of the capped delay
        return (long) (capped * (0.5 + 0.5 * jitter.getAsDouble()));
    }

    private static Long retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                if (header.getKey().equalsIgnoreCase("retry-after-ms")) {
                    return (long) Double.parseDouble(header.getValue().trim());
                }
            } catch (NumberFormatException e) {
                // fall back to Retry-After or the back-off
            }
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                if (header.getKey().equalsIgnoreCase("retry-after")) {
                    return (long) (Double.parseDouble(header.getValue().trim()) * 1000);
                }
            } catch (NumberFormatException e) {
                // an HTTP date: use the back-off
            }
        }
        return null;
    }
}
