-- Staging for the engine's fast path (lib/ingest/engine): a batch of raw log lines goes
-- in as text, the engine validates and normalizes them itself, and the batch is deleted
-- right after use. Memory tables: a batch lives for a few hundred milliseconds, needs no
-- replica and no disk, and nothing is left behind after a restart.

-- The raw lines of a batch, exactly as read. seq is the position in the batch.
CREATE TABLE IF NOT EXISTS {table:ingest_staging} {on_cluster}
(
    run_id     String,
    batch_id   String,
    file       String,
    seq        UInt32,
    line       UInt64,
    raw        String,
    staged_at  DateTime DEFAULT now()
)
ENGINE = Memory;

{distributed:ingest_staging:cityHash64(batch_id)};

-- The same lines as gateway_requests rows, before dedupe. fast = 1: the engine vouches
-- for the row; 0: the line goes through the JS parser instead. Types are looser than
-- gateway_requests (no Enum) because rows with fast = 0 may hold anything.
-- Keep the row columns in step with gateway_requests (0001).
CREATE TABLE IF NOT EXISTS {table:ingest_staging_gateway} {on_cluster}
(
    batch_id          String,
    seq               UInt32,
    fast              UInt8,
    event_id          String,
    time              DateTime64(3, 'UTC'),
    gateway           String,
    method            String,
    outcome           String,
    is_action         UInt8,
    server            String,
    tool              String,
    prompt            String,
    resource_uri      String,
    request_id        String,
    session_id        String,
    protocol_version  String,
    client_name       String,
    client_version    String,
    src_addr          String,
    http_status       Nullable(UInt16),
    duration_ms       Nullable(Float64),
    auth_scheme       String,
    credential_id     String,
    credential_type   String,
    jwt_iss           String,
    jwt_sub           String,
    jwt_client_id     String,
    jwt_aud           String,
    token_iat         Nullable(DateTime64(3, 'UTC')),
    token_exp         Nullable(DateTime64(3, 'UTC')),
    user_claim        String,
    api_key_name      String,
    raw               String,
    staged_at         DateTime DEFAULT now()
)
ENGINE = Memory;

{distributed:ingest_staging_gateway:cityHash64(batch_id)};
