-- One row per gateway request (a line of a gateway log, or an OTLP span/log record).
-- Duplicates may exist until a merge (and across shards never merge): every report
-- dedupes by event_id itself, ReplacingMergeTree only saves disk.
CREATE TABLE IF NOT EXISTS {table:gateway_requests} {on_cluster}
(
    event_id          String,
    source            LowCardinality(String),
    time              DateTime64(3, 'UTC'),
    gateway           LowCardinality(String),
    method            LowCardinality(String),
    outcome           Enum8('ok' = 1, 'error' = 2, 'denied' = 3),
    -- an agent action: let through, and not session plumbing (metrics.md)
    is_action         UInt8,
    server            LowCardinality(String),
    tool              String,
    prompt            String,
    resource_uri      String,
    request_id        String,
    session_id        String,
    protocol_version  LowCardinality(String),
    client_name       LowCardinality(String),
    client_version    LowCardinality(String),
    src_addr          String,
    http_status       Nullable(UInt16),
    duration_ms       Nullable(Float64),
    auth_scheme       LowCardinality(String),
    -- the credential presented: a token id (jti/uti) or sha256:<hex> of an opaque secret; '' = none
    credential_id     String,
    credential_type   LowCardinality(String),
    jwt_iss           String,
    jwt_sub           String,
    jwt_client_id     String,
    jwt_aud           String,
    token_iat         Nullable(DateTime64(3, 'UTC')),
    token_exp         Nullable(DateTime64(3, 'UTC')),
    user_claim        String,
    api_key_name      String,
    raw               String CODEC(ZSTD(3)),
    run_id            String,
    ingested_at       DateTime64(3, 'UTC') DEFAULT now64(3),
    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 2,
    INDEX idx_credential credential_id TYPE bloom_filter(0.01) GRANULARITY 2,
    INDEX idx_session session_id TYPE bloom_filter(0.01) GRANULARITY 2
)
ENGINE = {replicated}ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(time)
ORDER BY (time, event_id);

{distributed:gateway_requests:cityHash64(event_id)};
