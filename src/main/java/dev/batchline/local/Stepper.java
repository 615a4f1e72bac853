package dev.batchline.local;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one batch's steps on a shared scheduler, one at a time. A step returns when it wants to run next (millis, or
 * a negative number for "only when woken"); a wake-up that arrives while a step runs is not lost but runs right after.
 */
final class Stepper {

    private static final Logger LOG = LoggerFactory.getLogger(Stepper.class);
    private static final long RETRY_AFTER_FAILURE_MILLIS = 1000;

    private final ScheduledExecutorService scheduler;
    private final LongSupplier step;
    private final String name;

    private boolean running;
    private boolean stopped;
    private long wakeAt = Long.MAX_VALUE;
    private long scheduledAt = Long.MAX_VALUE;
    private ScheduledFuture<?> scheduled;

    Stepper(ScheduledExecutorService scheduler, String name, LongSupplier step) {
        this.scheduler = scheduler;
        this.name = name;
        this.step = step;
    }

    /** Runs a step after {@code delayMillis} at the latest. */
    synchronized void wakeIn(long delayMillis) {
        if (stopped) {
            return;
        }
        long due = System.currentTimeMillis() + Math.max(0, delayMillis);
        if (running) {
            wakeAt = Math.min(wakeAt, due);
            return;
        }
        if (scheduled != null && !scheduled.isDone() && scheduledAt <= due) {
            return;
        }
        if (scheduled != null) {
            scheduled.cancel(false);
        }
        scheduledAt = due;
        try {
            scheduled = scheduler.schedule(this::run, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    synchronized void stop() {
        stopped = true;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }

    private void run() {
        synchronized (this) {
            if (running || stopped) {
                return;
            }
            running = true;
            scheduled = null;
            scheduledAt = Long.MAX_VALUE;
        }
        long next;
        try {
            next = step.getAsLong();
        } catch (RuntimeException e) {
            LOG.warn("Local provider: a step of {} failed; retrying in {} ms", name, RETRY_AFTER_FAILURE_MILLIS, e);
            next = RETRY_AFTER_FAILURE_MILLIS;
        }
        long pending;
        synchronized (this) {
            running = false;
            pending = wakeAt;
            wakeAt = Long.MAX_VALUE;
        }
        if (pending != Long.MAX_VALUE) {
            wakeIn(pending - System.currentTimeMillis());
        }
        if (next >= 0) {
            wakeIn(next);
        }
    }
}
