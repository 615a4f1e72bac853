-- When the provider first answered that it does not know a submitted batch (404); cleared when it knows it again.
-- A batch unknown for longer than batchline.batch.lost-after is lost: its unanswered records are resubmitted.
ALTER TABLE batch ADD COLUMN lost_since BIGINT;
-- A digest (SHA-256) of the API key the batch's input file was uploaded with, never the key: a batch held by another
-- provider than the current one is sent the configured key only while that key is the one it was uploaded with.
ALTER TABLE batch ADD COLUMN key_fingerprint VARCHAR(64);
-- The batch this one is a half of, when the provider refused that batch as too large.
ALTER TABLE batch ADD COLUMN split_of BIGINT;
-- Of a source's requests in a batch, how many were resubmitted because the provider lost the batch.
ALTER TABLE batch_source ADD COLUMN lost INT NOT NULL DEFAULT 0;
