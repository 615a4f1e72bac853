package dev.batchline.local;

import java.time.Clock;

/**
 * Counts real-time requests per minute and says when the configured limit is reached, so a 429 carries a true
 * {@code Retry-After} and the {@code x-ratelimit-*} headers carry true numbers.
 */
final class RequestRate {

    private static final long WINDOW_MILLIS = 60_000;

    private final int limit;
    private final Clock clock;
    private long windowStart;
    private int used;

    RequestRate(int limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    boolean limited() {
        return limit > 0;
    }

    /** Takes one request; false when the minute's requests are used up. */
    synchronized boolean take() {
        roll();
        if (limit > 0 && used >= limit) {
            return false;
        }
        used++;
        return true;
    }

    synchronized int remaining() {
        roll();
        return Math.max(0, limit - used);
    }

    synchronized long millisToReset() {
        roll();
        return windowStart + WINDOW_MILLIS - clock.millis();
    }

    int limit() {
        return limit;
    }

    private void roll() {
        long now = clock.millis();
        if (now - windowStart >= WINDOW_MILLIS) {
            windowStart = now;
            used = 0;
        }
    }
}
