package dev.batchline.failure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.batchline.Headers;
import dev.batchline.config.Settings;
import dev.batchline.provider.ProviderException;
import dev.batchline.provider.RetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work that waits after a failure that passes: one batch, one source, or all the work at one provider. Each waits
 * on its own, with a back-off (or as long as the provider asked), while the rest goes on; the due lists of the
 * pipeline leave out what waits. A failure that speaks of the whole provider (no answer, 429, 5xx) makes the
 * provider wait too, so that an outage costs one call per back-off, not one per batch. The log gets one line when a
 * wait starts (a WARN, an ERROR when the API key is refused or the failure is Batchline's own; for the provider
 * only, when the provider waits) and one INFO when the work goes on; the failures in between are at DEBUG, so an
 * outage of hours is two lines, not a stack trace per round.
 */
public final class Waits {

    private static final Logger LOG = LoggerFactory.getLogger(Waits.class);

    private final RetryPolicy policy;
    private final Clock clock;
    private final ConcurrentMap<String, Wait> waiting = new ConcurrentHashMap<>();

    /**
     * A subject's wait: since when, after how many failures in a row, until when, why it started, and whether its
     * start was logged (then its end is too).
     */
    private record Wait(Instant since, int failures, Instant until, FailureClass first, boolean announced) {
    }

    public Waits(RetryPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** The subject of a batch's work. */
    public static String batch(long id) {
        return "batch " + id;
    }

    /** The subject of a source's delivery. */
    public static String source(long id) {
        return "source " + id;
    }

    /** The subject of the calls about a whole provider: listing its batches, sweeping its uploads. */
    public static String provider(String name) {
        return "provider " + name;
    }

    /** The subject of every call to a provider, paused while it refuses the API key. */
    public static String keyOf(String name) {
        return "the API key of provider " + name;
    }

    /** Whether the subject may be tried now: it does not wait, or its wait is over. */
    public boolean ready(String subject) {
        Wait wait = waiting.get(subject);
        return wait == null || !clock.instant().isBefore(wait.until());
    }

    /** Whether calls to the provider may be made now: it neither waits nor refuses the key. */
    public boolean providerReady(String provider) {
        return ready(provider(provider)) && ready(keyOf(provider));
    }

    /** Whether a batch's work at that provider may be tried now: neither the batch nor the provider waits. */
    public boolean batchReady(long batch, String provider) {
        return ready(batch(batch)) && providerReady(provider);
    }

    /** Whether the exchange's work (its batch, source or provider) may be tried now. */
    public boolean due(Exchange exchange) {
        return ready(subject(exchange.getMessage()));
    }

    /** Whether the subject waits after a failure (its wait may be over, the next attempt not made yet). */
    public boolean waiting(String subject) {
        return waiting.containsKey(subject);
    }

    /** The exchange's work failed in a way that passes: it waits, and its due list offers it again afterwards. */
    public void waitAfter(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        FailureClass kind = Failures.of(failure);
        String subject = subject(exchange.getMessage());
        ProviderException call = Failures.providerFailure(failure);
        String provider = call != null && call.provider() != null && Failures.providerWide(call)
                ? provider(call.provider()) : subject;
        if (!provider.equals(subject)) {
            // the provider's wait speaks for its work
            record(subject, failure, kind, false);
            Wait wait = record(provider, failure, kind, true);
            if (wait.failures() > 1) {
                LOG.debug("{} waits: {} still fails: {}", capitalised(subject), provider, describe(failure));
            } else {
                LOG.warn("{} waits: {} ({}); its work is tried again in {}, the rest goes on", capitalised(provider),
                        describe(failure), subject, inWords(wait));
            }
            return;
        }
        Wait wait = record(subject, failure, kind, true);
        if (wait.failures() > 1) {
            LOG.debug("{} still waits ({} failures): {}", capitalised(subject), wait.failures(), describe(failure));
        } else if (kind == FailureClass.UNEXPECTED) {
            LOG.error("{} waits after a failure in Batchline itself; it is tried again in {}", capitalised(subject),
                    inWords(wait), failure);
        } else {
            LOG.warn("{} waits: {}; it is tried again in {}, the rest goes on", capitalised(subject),
                    describe(failure), inWords(wait));
        }
    }

    /**
     * The exchange's work waits a back-off, as after {@link #waitAfter}, but the caller has said why in the log
     * already.
     */
    public void postpone(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        String subject = subject(exchange.getMessage());
        Wait wait = record(subject, failure, Failures.of(failure), false);
        LOG.debug("{} waits {}: {}", capitalised(subject), inWords(wait), describe(failure));
    }

    /**
     * The provider refused the API key: all the work at that provider waits (no record is failed for it), and is
     * tried again after a back-off; the first successful call there ends the wait ({@link #keyOf}).
     */
    public void pauseProvider(Exchange exchange) {
        Throwable failure = Failures.failureOf(exchange);
        ProviderException refusal = Failures.providerFailure(failure);
        String name = refusal != null && refusal.provider() != null ? refusal.provider()
                : exchange.getMessage().getHeader(Headers.PROVIDER, "the provider", String.class);
        Wait wait = record(keyOf(name), failure, FailureClass.KEY_REFUSED, true);
        if (wait.failures() > 1) {
            LOG.debug("Provider {} still refuses the API key ({} attempts)", name, wait.failures());
            return;
        }
        // the provider's own message may quote part of the key, so only its status and code are logged
        LOG.error("Provider {} refused the API key ({}): new batches for it are paused and nothing is failed. Check"
                  + " its key (batchline.provider.api-key, from OPENAI_API_KEY); Batchline tries again every {} and"
                  + " goes on when the provider accepts a call.", name,
                refusal == null ? "HTTP 401/403" : "HTTP " + refusal.status()
                                                   + (refusal.code() != null ? " " + refusal.code() : ""),
                inWords(wait));
    }

    /** The exchange's work succeeded: if its subject waited, it goes on. */
    public void recovered(Exchange exchange) {
        endWait(subject(exchange.getMessage()));
    }

    /** The subject's work succeeded: if it waited, it goes on. */
    public void endWait(String subject) {
        Wait wait = waiting.remove(subject);
        if (wait == null) {
            return;
        }
        Duration waited = Duration.ofSeconds(Duration.between(wait.since(), clock.instant()).toSeconds());
        if (!wait.announced()) {
            LOG.debug("{} goes on after waiting {}", capitalised(subject), Settings.inWords(waited));
        } else if (wait.first() == FailureClass.KEY_REFUSED) {
            LOG.info("{} is accepted again after {}: the work at that provider goes on", capitalised(subject),
                    Settings.inWords(waited));
        } else {
            LOG.info("{} goes on after waiting {} ({} failures)", capitalised(subject), Settings.inWords(waited),
                    wait.failures());
        }
    }

    /** The subject's work is over without having gone on (its batch was refused, for one): its wait is dropped. */
    public void forget(String subject) {
        waiting.remove(subject);
    }

    private Wait record(String subject, Throwable failure, FailureClass kind, boolean announced) {
        Instant now = clock.instant();
        return waiting.compute(subject, (key, before) -> {
            int failures = before == null ? 1 : before.failures() + 1;
            Instant until = now.plusMillis(policy.waitMillis(failure, failures));
            return before == null ? new Wait(now, failures, until, kind, announced)
                    : new Wait(before.since(), failures, until, before.first(), before.announced());
        });
    }

    /** The subject an exchange of the pipeline works on, from the header its route sets. */
    private static String subject(Message message) {
        Long batch = message.getHeader(Headers.BATCH, Long.class);
        if (batch != null) {
            return batch(batch);
        }
        Long source = message.getHeader(Headers.SOURCE_ID, Long.class);
        if (source != null) {
            return source(source);
        }
        String provider = message.getHeader(Headers.PROVIDER, String.class);
        if (provider != null) {
            return provider(provider);
        }
        throw new IllegalStateException("The exchange names no batch, source or provider to wait for");
    }

    private static String describe(Throwable failure) {
        return failure == null ? "an unknown failure" : failure.getMessage() != null ? failure.getMessage()
                : failure.toString();
    }

    private String inWords(Wait wait) {
        return Settings.inWords(Duration.ofMillis(Math.max(0, Duration.between(clock.instant(), wait.until())
                .toMillis())));
    }

    private static String capitalised(String subject) {
        return Character.toUpperCase(subject.charAt(0)) + subject.substring(1);
    }
}
