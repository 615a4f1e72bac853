-- times are epoch milliseconds
-- Sources: one per input file taken from the inbox
CREATE TABLE source (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(4096) NOT NULL,             -- the file's path relative to the inbox, with / separators
    identity      VARCHAR(4300) NOT NULL,             -- name, size and modification time: the same file seen again
    status        VARCHAR(16)   NOT NULL,             -- ingesting, ingested, delivered
    read_offset   BIGINT        NOT NULL DEFAULT 0,   -- checkpoint: byte offset of the next line to read
    next_line     INT           NOT NULL DEFAULT 1,   -- checkpoint: its line number
    records       INT           NOT NULL DEFAULT 0,   -- checkpoint: records handed an ordinal (valid and invalid)
    invalid       INT           NOT NULL DEFAULT 0,   -- checkpoint: of those, invalid
    records_bytes BIGINT        NOT NULL DEFAULT 0,   -- checkpoint: committed length of the source's records file
    created_at    BIGINT        NOT NULL,
    ingested_at   BIGINT,
    delivered_at  BIGINT
);
CREATE INDEX source_identity ON source (identity);
CREATE INDEX source_status ON source (status);

-- Batches: an open spool, then a sealed file, then a provider batch, until its results are processed
CREATE TABLE batch (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    idempotency_key   VARCHAR(64)   NOT NULL UNIQUE,  -- sent as metadata, to find the provider batch again
    provider          VARCHAR(1024) NOT NULL,         -- the provider's base URL
    endpoint          VARCHAR(100)  NOT NULL,
    model             VARCHAR(256),
    status            VARCHAR(16)   NOT NULL,         -- open, sealed, uploaded, submitted, ended, processed
    spool             VARCHAR(1024) NOT NULL,         -- the input file, relative to the work folder
    requests          INT           NOT NULL DEFAULT 0,
    bytes             BIGINT        NOT NULL DEFAULT 0,  -- committed length of the spool
    retry_of          BIGINT,                         -- the batch whose records this one resubmits
    input_file_id     VARCHAR(256),
    provider_batch_id VARCHAR(256),
    provider_status   VARCHAR(32),
    total             INT,
    completed         INT,
    failed            INT,
    output_file_id    VARCHAR(256),
    error_file_id     VARCHAR(256),
    errors            CLOB,                           -- the provider's errors.data when it failed the batch
    opened_at         BIGINT        NOT NULL,
    sealed_at         BIGINT,
    submitted_at      BIGINT,
    ended_at          BIGINT,
    processed_at      BIGINT
);
CREATE INDEX batch_status ON batch (status);

-- Which sources have records in which batch, and what became of them
CREATE TABLE batch_source (
    batch_id          BIGINT NOT NULL,
    source_id         BIGINT NOT NULL,
    requests          INT    NOT NULL DEFAULT 0,
    succeeded         INT    NOT NULL DEFAULT 0,
    failed            INT    NOT NULL DEFAULT 0,
    retried           INT    NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (batch_id, source_id)
);
CREATE INDEX batch_source_source ON batch_source (source_id);
