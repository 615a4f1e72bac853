-- Streams: records sent to direct:batch or a queue, one message at a time, with no end. A stream's records go to
-- segments: sources of kind 'stream' (name = the stream's name) that take up to batchline.stream.segment-records
-- records each; a segment whose results were all sent is delivered and its work files are deleted.
ALTER TABLE source ADD COLUMN kind VARCHAR(8) DEFAULT 'file' NOT NULL;
CREATE INDEX source_kind_status ON source (kind, status);
-- One row per record taken from a stream: its custom_id is the stream's key (a message delivered again is not
-- spooled twice), its place in its segment, where its result goes and when it was sent.
CREATE TABLE stream_record (
    stream         VARCHAR(256)  NOT NULL,
    custom_id      VARCHAR(512)  NOT NULL,
    source_id      BIGINT        NOT NULL,  -- the segment
    ordinal        INT           NOT NULL,  -- the record's place in the segment, from 0
    reply_to       VARCHAR(1024),           -- the endpoint the record named; null: batchline.results.endpoint
    correlation_id VARCHAR(512),            -- the JMSCorrelationID its result carries
    created_at     BIGINT        NOT NULL,
    sent_at        BIGINT,                  -- when its result was sent
    status         VARCHAR(16),             -- succeeded or failed, once sent
    PRIMARY KEY (stream, custom_id)
);
CREATE INDEX stream_record_segment ON stream_record (source_id, sent_at, ordinal);
-- When the results of a stream segment's records in this batch were sent (null for files, and until then).
ALTER TABLE batch_source ADD COLUMN sent_at BIGINT;
