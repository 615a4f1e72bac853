package dev.batchline.provider;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.batchline.state.BatchRecord;
import dev.batchline.state.Batches;
import dev.batchline.state.StateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the provider's file storage clean: once after each start, the input files Batchline uploaded but no batch
 * uses (an upload whose answer a crash lost) are deleted; and with {@code deleteProcessed}, so are the files of a
 * batch whose results are filed. Only files named for one of this store's batches are ever touched.
 */
public final class ProviderFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderFiles.class);
    private static final Pattern UPLOAD_NAME = Pattern.compile("batchline-([0-9a-f-]{36})\\.jsonl");
    private static final int PAGE = 1000;

    private final StateStore store;
    private final ProviderClient client;
    private final ProviderHealth health;
    private final boolean deleteProcessed;
    private boolean swept;

    public ProviderFiles(StateStore store, ProviderClient client, ProviderHealth health, boolean deleteProcessed) {
        this.store = store;
        this.client = client;
        this.health = health;
        this.deleteProcessed = deleteProcessed;
    }

    /** Deletes the input, output and error files of a processed batch; a failure only leaves them behind. */
    public void deleteFilesOf(BatchRecord batch) {
        if (!deleteProcessed) {
            return;
        }
        for (String fileId : new String[] {batch.inputFileId(), batch.outputFileId(), batch.errorFileId()}) {
            if (fileId != null) {
                try {
                    client.deleteFile(fileId);
                } catch (ProviderException e) {
                    LOG.debug("Could not delete {} of {}: {}", fileId, batch.label(), e.getMessage());
                }
            }
        }
    }

    /** The first time it runs after a start (and until it succeeds): deletes the uploads no batch uses. */
    public synchronized void sweepOnce() {
        if (swept) {
            return;
        }
        try {
            int deleted = 0;
            String after = null;
            while (true) {
                JsonNode page = client.listFiles("batch", after, PAGE);
                for (JsonNode file : page.path("data")) {
                    if (orphan(file)) {
                        client.deleteFile(file.path("id").asText());
                        deleted++;
                    }
                }
                if (!page.path("has_more").asBoolean(false) || page.path("last_id").isNull()) {
                    break;
                }
                after = page.path("last_id").asText();
            }
            swept = true;
            health.succeeded();
            if (deleted > 0) {
                LOG.info("Deleted {} uploaded files at the provider that no batch uses", deleted);
            }
        } catch (ProviderException e) {
            health.failed("Looking for unused uploads", e);
        }
    }

    private boolean orphan(JsonNode file) {
        Matcher name = UPLOAD_NAME.matcher(file.path("filename").asText(""));
        if (!name.matches()) {
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
