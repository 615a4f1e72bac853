package dev.batchline.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.batchline.config.Settings;

/**
 * Faults the local provider injects on purpose, so that clients can be tested against the failures of a real
 * provider. Each kind has a rate (0.0 to 1.0) that applies to every endpoint group unless a group sets its own
 * ({@code batchline.local.fault.rate-429} for all, {@code batchline.local.fault.chat.rate-429} for chat only).
 */
public final class Faults {

    /** What happens to one request. */
    public enum Kind {
        /** Served normally. */
        NONE,
        /** 429 with Retry-After and rate-limit headers; the request is not executed. */
        TOO_MANY_REQUESTS,
        /** 500 server_error; the request is not executed. */
        SERVER_ERROR,
        /** 503 overloaded; the request is not executed. */
        OVERLOADED,
        /** Served normally after {@link #slowDelay()}. */
        SLOW,
        /** The connection is closed without a response (a download is cut off halfway); not executed. */
        DROP,
        /** The request is executed, then the connection is closed without a response. */
        LOST_RESPONSE
    }

    /** The endpoint groups that can carry their own rates. */
    public static final List<String> GROUPS =
            List.of("upload", "files", "content", "batches", "chat", "embeddings", "completions", "responses",
                    "moderations");

    private static final String PREFIX = "batchline.local.fault.";
    private static final String[] RATE_KEYS = {"rate-429", "rate-500", "rate-503", "rate-slow", "rate-drop",
            "rate-lost-response"};
    private static final Kind[] RATE_KINDS = {Kind.TOO_MANY_REQUESTS, Kind.SERVER_ERROR, Kind.OVERLOADED, Kind.SLOW,
            Kind.DROP, Kind.LOST_RESPONSE};

    private final Map<String, double[]> ratesByGroup;
    private final Duration slowDelay;
    private final int retryAfterSeconds;
    private final Random random;

    private Faults(Map<String, double[]> ratesByGroup, Duration slowDelay, int retryAfterSeconds, long seed) {
        this.ratesByGroup = ratesByGroup;
        this.slowDelay = slowDelay;
        this.retryAfterSeconds = retryAfterSeconds;
        this.random = new Random(seed);
    }

    public static Faults none() {
        return from(Settings.of(Map.of()));
    }

    public static Faults from(Settings settings) {
        Map<String, double[]> rates = new HashMap<>();
        for (String group : GROUPS) {
            double[] groupRates = new double[RATE_KEYS.length];
            double sum = 0;
            for (int i = 0; i < RATE_KEYS.length; i++) {
                double all = settings.decimal(PREFIX + RATE_KEYS[i], 0.0);
                groupRates[i] = settings.decimal(PREFIX + group + "." + RATE_KEYS[i], all);
                if (groupRates[i] < 0 || groupRates[i] > 1) {
                    throw new IllegalArgumentException(
                            "Fault rate " + PREFIX + group + "." + RATE_KEYS[i] + " must be between 0.0 and 1.0");
                }
                sum += groupRates[i];
            }
            if (sum > 1.0 + 1e-9) {
                throw new IllegalArgumentException("The fault rates of group '" + group + "' add up to " + sum
                                                   + "; together they must not exceed 1.0");
            }
            rates.put(group, groupRates);
        }
        return new Faults(rates,
                settings.duration(PREFIX + "slow-delay", "2s"),
                settings.integer(PREFIX + "retry-after", 1),
                settings.number(PREFIX + "seed", System.nanoTime()));
    }

    /** Draws the fault for one request to an endpoint of the given group. */
    public Kind pick(String group) {
        double[] rates = ratesByGroup.get(group);
        if (rates == null) {
            return Kind.NONE;
        }
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        double edge = 0;
        for (int i = 0; i < rates.length; i++) {
            edge += rates[i];
            if (draw < edge) {
                return RATE_KINDS[i];
            }
        }
        return Kind.NONE;
    }

    public Duration slowDelay() {
        return slowDelay;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
