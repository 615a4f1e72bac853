package dev.batchline.inbox;

import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.batchline.config.Settings;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the inbox files that are still changing, for the inbox's file consumer: a file is taken once it has not
 * changed for {@code batchline.inbox.settle-time} (the consumer's read lock, which gives up on a busy file after
 * {@code batchline.inbox.settle-timeout} and takes the other files meanwhile); a file still changing after
 * {@code batchline.inbox.max-settle-wait} (a log, a slow writer that does not rename) gets one WARN naming it. It is
 * still taken only once it settles. Lets every file through: the read lock decides.
 */
public final class InboxSettling implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InboxSettling.class);

    private final Duration settleTime;
    private final Duration maxSettleWait;
    private final Clock clock;
    /** Since when each changing file has been seen changing, and whether it was warned about. */
    private final Map<String, Changing> changing = new ConcurrentHashMap<>();

    private static final class Changing {
        final long since;
        long lastSeen;
        boolean warned;

        Changing(long since) {
            this.since = since;
            this.lastSeen = since;
        }
    }

    public InboxSettling(Duration settleTime, Duration maxSettleWait, Clock clock) {
        this.settleTime = settleTime;
        this.maxSettleWait = maxSettleWait;
        this.clock = clock;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory()) {
            return true;
        }
        long now = clock.millis();
        String path = file.getAbsoluteFilePath();
        if (now - file.getLastModified() >= settleTime.toMillis()) {
            changing.remove(path);
            return true;
        }
        Changing seen = changing.computeIfAbsent(path, key -> new Changing(now));
        seen.lastSeen = now;
        if (!seen.warned && now - seen.since >= maxSettleWait.toMillis()) {
            seen.warned = true;
            LOG.warn("{} has been changing for more than {} (batchline.inbox.max-settle-wait): it is taken once it has"
                     + " not changed for {}; write files elsewhere and move them into the inbox when complete",
                    file.getRelativeFilePath(), Settings.inWords(maxSettleWait), Settings.inWords(settleTime));
        }
        forgetGone(now);
        return true;
    }

    /** Files no longer seen (taken, removed) are forgotten. */
    private void forgetGone(long now) {
        long horizon = now - Math.max(maxSettleWait.toMillis(), Duration.ofMinutes(1).toMillis());
        for (Iterator<Changing> it = changing.values().iterator(); it.hasNext(); ) {
            if (it.next().lastSeen < horizon) {
                it.remove();
            }
        }
    }
}
