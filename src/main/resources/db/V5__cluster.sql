-- (batch.provider, whose comment in V1 says "base URL", holds the provider's name: local, openai, or a base URL.)

-- Scale-out: the instances that share this store. An instance is alive while its heartbeat is younger than
-- batchline.cluster.lease; the work of one that is not is taken over by a living one.
CREATE TABLE instance (
    name         VARCHAR(256)  PRIMARY KEY,  -- batchline.cluster.instance, or the host's name and a random suffix
    host         VARCHAR(256),
    started_at   BIGINT        NOT NULL,
    heartbeat_at BIGINT        NOT NULL
);
-- The instance that owns a source (reads, then delivers it) or a batch (fills, seals, submits, files it); null
-- for work from before this migration, which the first instance takes.
ALTER TABLE source ADD COLUMN owner VARCHAR(256);
ALTER TABLE batch ADD COLUMN owner VARCHAR(256);
CREATE INDEX source_owner ON source (owner, status);
CREATE INDEX batch_owner ON batch (owner, status);
-- The inbox files being read (the read lock of Camel's file consumer, readLock=idempotent-changed): each by one
-- instance, until it is done with the file or was taken for dead.
CREATE TABLE inbox_lock (
    path_key  VARCHAR(64)   PRIMARY KEY,  -- SHA-256 of the path, in hex
    path      VARCHAR(4096) NOT NULL,     -- the file's absolute path
    owner     VARCHAR(256)  NOT NULL,     -- the instance reading it
    locked_at BIGINT        NOT NULL
);
