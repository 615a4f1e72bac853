-- When a batch creation was last attempted: a batch with an attempt is looked up by its key before it is
-- created again, so a creation whose answer was lost is never repeated.
ALTER TABLE batch ADD COLUMN create_attempted_at BIGINT;
