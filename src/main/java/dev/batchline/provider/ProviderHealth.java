package dev.batchline.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a provider that cannot be reached without flooding the log: the first failure, a reminder every few
 * minutes while it lasts, and the recovery. Work waits meanwhile; nothing is failed because the provider is down.
 */
public final class ProviderHealth {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealth.class);
    private static final Duration REMINDER = Duration.ofMinutes(5);
    /** Failures that come back within this time of a recovery are a flaky provider, logged at debug level. */
    private static final Duration FLAPPING = Duration.ofMinutes(1);
    /** Outages shorter than this are not worth a recovery message. */
    private static final Duration NOTEWORTHY = Duration.ofSeconds(10);

    private final Clock clock;
    private Instant downSince;
    private Instant lastReport;
    private Instant recoveredAt = Instant.MIN;

    public ProviderHealth(Clock clock) {
        this.clock = clock;
    }

    /** A call failed after its retries. */
    public synchronized void failed(String what, ProviderException failure) {
        Instant now = clock.instant();
        if (downSince == null) {
            downSince = now;
            lastReport = now;
            if (Duration.between(recoveredAt, now).compareTo(FLAPPING) < 0) {
                LOG.debug("{} failed: {}", what, failure.getMessage());
            } else {
                LOG.warn("{} failed: {}. Batchline keeps the work and tries again.", what, failure.getMessage());
            }
        } else if (Duration.between(lastReport, now).compareTo(REMINDER) >= 0) {
            lastReport = now;
            LOG.warn("The provider has been failing for {} s; {} failed: {}. Work is waiting, nothing is lost.",
                    Duration.between(downSince, now).toSeconds(), what, failure.getMessage());
        } else {
            LOG.debug("{} failed: {}", what, failure.getMessage());
        }
    }

    /** A call succeeded. */
    public synchronized void succeeded() {
        if (downSince != null) {
            Instant now = clock.instant();
            Duration outage = Duration.between(downSince, now);
            if (outage.compareTo(NOTEWORTHY) >= 0) {
                LOG.info("The provider answers again after {} s", outage.toSeconds());
            }
            downSince = null;
            recoveredAt = now;
        }
    }

    /** Whether the last call failed. */
    public synchronized boolean down() {
        return downSince != null;
    }
}
