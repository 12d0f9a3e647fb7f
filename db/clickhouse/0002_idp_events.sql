-- Facts read from identity-provider logs and the key inventory. One vendor record
-- becomes one or more facts (fact_index 0..n-1), all sharing the record's event_id;
-- the raw record is kept on fact 0. Subjects are stored as the source names them
-- (subject_id); resolving them to identities happens at query time, so a late
-- e-mail or ownership fact changes every earlier answer.
CREATE TABLE IF NOT EXISTS {table:idp_events} {on_cluster}
(
    event_id          String,
    fact_index        UInt8,
    source            LowCardinality(String),
    time              DateTime64(3, 'UTC'),
    kind              Enum8('identity' = 1, 'credential' = 2, 'revocation' = 3, 'subject_revocation' = 4, 'trigger' = 5, 'other' = 6),
    vendor_event_type LowCardinality(String),
    subject_kind      Enum8('' = 0, 'person' = 1, 'service' = 2),
    subject_id        String,
    email             String,
    login             String,
    display_name      String,
    owner             String,
    client_id         String,
    credential_id     String,
    credential_type   LowCardinality(String),
    issued_at         Nullable(DateTime64(3, 'UTC')),
    expires_at        Nullable(DateTime64(3, 'UTC')),
    raw               String CODEC(ZSTD(3)),
    run_id            String,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 2,
    INDEX idx_credential credential_id TYPE bloom_filter(0.01) GRANULARITY 2
)
ENGINE = {replicated}ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(time)
ORDER BY (source, kind, time, event_id, fact_index);

{distributed:idp_events:cityHash64(event_id)};
