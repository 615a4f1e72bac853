package dev.batchline.inbox;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultPollingConsumerPollStrategy;

/**
 * The inbox file consumer's poll strategy: when a look into the inbox ends (every file it could take is taken, and a
 * file still changing skipped), the open batches are sealed, since the inbox has nothing more for them now.
 */
public final class InboxPolls extends DefaultPollingConsumerPollStrategy {

    private final Intake intake;

    public InboxPolls(Intake intake) {
        this.intake = intake;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        try {
            intake.inboxLookEnded();
        } catch (IOException e) {
            throw new UncheckedIOException("Sealing the open batches after a look into the inbox failed", e);
        }
    }
}
