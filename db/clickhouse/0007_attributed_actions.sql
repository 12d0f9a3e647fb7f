-- Every agent action with its attribution (lib/attribution/maintain), written when the
-- request is stored and rewritten, with a newer version, whenever a fact can change it
-- (its credential, its claims, its session, its identity's first trigger). Reports read
-- it with FINAL: the latest version of each action wins, so repeated or concurrent
-- maintenance of the same action converges. `after_expiry` is not stored: it depends on
-- the default token lifetime in force, so reports derive it from the stored expiry,
-- issue time and type.
CREATE TABLE IF NOT EXISTS {table:attributed_actions} {on_cluster}
(
    event_id                     String,
    time                         DateTime64(3, 'UTC'),
    server                       LowCardinality(String),
    tool                         String,
    client_name                  LowCardinality(String),
    session_id                   String,
    credential_id                String,
    credential_type              LowCardinality(String),
    credential_explicit_expires  Nullable(DateTime64(3, 'UTC')),
    credential_issued_at         Nullable(DateTime64(3, 'UTC')),
    identity                     String,
    method                       LowCardinality(String),
    reason                       LowCardinality(String),
    after_revocation             UInt8,
    after_deprovision            UInt8,
    conflict                     UInt8,
    version                      UInt64
)
ENGINE = {replicated}ReplacingMergeTree(version)
PARTITION BY toYYYYMM(time)
ORDER BY (time, event_id);

{distributed:attributed_actions:cityHash64(event_id)};

-- One row per maintenance run: what it had seen of each input (the latest ingested_at and
-- the row count) and which IdP generation is current. The latest row is the state.
CREATE TABLE IF NOT EXISTS {table:attribution_state} {on_cluster}
(
    idp_generation     UInt64,
    gateway_watermark  DateTime64(3, 'UTC'),
    idp_watermark      DateTime64(3, 'UTC'),
    gateway_rows       UInt64,
    -- gateway rows ingested at exactly gateway_watermark (a later insert in the same ms adds more)
    gateway_at_watermark UInt64,
    idp_rows           UInt64,
    completed_at       DateTime64(6, 'UTC') DEFAULT now64(6)
)
ENGINE = {replicated}MergeTree
ORDER BY completed_at;

{distributed:attribution_state:rand()};

-- The keys one maintenance run found changed (credentials, claims, sessions, identities):
-- the actions it re-attributes are those the keys reach. Memory: lives for one run.
CREATE TABLE IF NOT EXISTS {table:attribution_dirty} {on_cluster}
(
    run_id     String,
    kind       Enum8('credential' = 1, 'sub' = 2, 'user' = 3, 'session' = 4, 'identity' = 5),
    key        String,
    staged_at  DateTime DEFAULT now()
)
ENGINE = Memory;

{distributed:attribution_dirty:cityHash64(key)};
