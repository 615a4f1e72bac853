package dev.batchline.provider;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.failure.Waits;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the providers' file storage clean: once after each start, the input files Batchline uploaded to the current
 * provider before that start but no batch uses (an upload whose answer a crash lost) are deleted; and with
 * {@code deleteProcessed}, so are the files of a batch whose results are filed, at the provider that holds it. Only
 * files named for one of this store's batches are ever touched.
 */
public final class ProviderFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderFiles.class);
    private static final Pattern UPLOAD_NAME = Pattern.compile("batchline-([0-9a-f-]{36})\\.jsonl");
    private static final int PAGE = 1000;
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(1);

    private final StateStore store;
    private final ProviderClient client;
    private final Providers providers;
    private final Waits waits;
    private final boolean deleteProcessed;
    /** Uploads from before this time, by the provider's clock give or take a minute, are from before this start. */
    private final long startedAt;
    private volatile boolean swept;

    public ProviderFiles(StateStore store, ProviderClient client, Providers providers, Waits waits,
                         boolean deleteProcessed, Clock clock) {
        this.store = store;
        this.client = client;
        this.providers = providers;
        this.waits = waits;
        this.deleteProcessed = deleteProcessed;
        this.startedAt = clock.instant().minus(CLOCK_SLACK).getEpochSecond();
    }

    /** Deletes the input, output and error files of a processed batch; a failure only leaves them behind. */
    public void deleteFilesOf(BatchRecord batch) {
        if (!deleteProcessed || batch.inputFileId() == null && batch.outputFileId() == null
                                && batch.errorFileId() == null) {
            return;
        }
        Provider provider;
        try {
            provider = providers.of(batch);
        } catch (ProviderUnavailableException e) {
            LOG.debug("Leaving the files of {} at {}: {}", batch.label(), batch.provider(), e.getMessage());
            return;
        }
        for (String fileId : new String[] {batch.inputFileId(), batch.outputFileId(), batch.errorFileId()}) {
            if (fileId != null) {
                try {
                    client.deleteFile(provider, fileId);
                } catch (ProviderException e) {
                    LOG.debug("Could not delete {} of {}: {}", fileId, batch.label(), e.getMessage());
                }
            }
        }
    }

    /** The provider whose uploads the sweep looks at: the current one. */
    public String sweptProvider() {
        return providers.current().name();
    }

    /** Whether the uploads still need a sweep (once after each start) and the provider may be asked now. */
    public boolean due() {
        return !swept && waits.providerReady(providers.current().name());
    }

    /** Deletes the uploads at the provider of new batches that no batch uses. */
    public synchronized void sweep() {
        Provider provider = providers.current();
        int deleted = 0;
        String after = null;
        while (true) {
            JsonNode page = client.listFiles(provider, "batch", after, PAGE);
            for (JsonNode file : page.path("data")) {
                if (orphan(file)) {
                    client.deleteFile(provider, file.path("id").asText());
                    deleted++;
                }
            }
            if (!page.path("has_more").asBoolean(false) || page.path("last_id").isNull()) {
                break;
            }
            after = page.path("last_id").asText();
        }
        swept = true;
        if (deleted > 0) {
            LOG.info("Deleted {} uploaded files at {} that no batch uses", deleted, provider.name());
        }
    }

    /**
     * Whether the upload is one of this store's batches that no batch uses: named for a batch, made before this
     * start (an upload of this run may not be recorded yet), and not the batch's input file, or the input file of a
     * processed batch when those are deleted.
     */
    private boolean orphan(JsonNode file) {
        Matcher name = UPLOAD_NAME.matcher(file.path("filename").asText(""));
        if (!name.matches() || file.path("created_at").asLong(Long.MAX_VALUE) >= startedAt) {
            return false;
        }
        Optional<BatchRecord> batch = store.inTransaction(c -> Batches.findByKey(c, name.group(1)));
        if (batch.isEmpty()) {
            return false;
        }
        String id = file.path("id").asText();
        return !id.equals(batch.get().inputFileId())
               || deleteProcessed && batch.get().status().equals(BatchRecord.PROCESSED);
    }
}
