-- The IdP side of attribution (lib/attribution/maintain), kept current as facts arrive instead
-- of rebuilt by every report: each table holds what one CTE of lib/attribution computes from
-- all facts, per `generation`. A batch of new facts builds the next generation whole (small
-- next to the gateway side), compares it with the current one to find the credentials,
-- claims and identities whose answer changed, and only then becomes current
-- (attribution_state); older generations are dropped by partition. Readers always see one
-- complete generation. See lib/attribution/MAINTAINED.md for the cluster layout.

-- subjectsCte: (source, subject_id) → identity.
CREATE TABLE IF NOT EXISTS {table:attribution_subjects} {on_cluster}
(
    generation  UInt64,
    source      LowCardinality(String),
    subject_id  String,
    kind        LowCardinality(String),
    email       String,
    identity    String
)
ENGINE = {replicated}MergeTree
PARTITION BY generation
ORDER BY (source, subject_id);

{distributed:attribution_subjects:cityHash64(subject_id)};

-- credentialSubjectsCte: a known credential → the identity it was issued to, and its issuer.
CREATE TABLE IF NOT EXISTS {table:attribution_credential_subjects} {on_cluster}
(
    generation      UInt64,
    credential_id   String,
    identity        String,
    issuer_source   String,
    issuer_subject  String
)
ENGINE = {replicated}MergeTree
PARTITION BY generation
ORDER BY credential_id;

{distributed:attribution_credential_subjects:cityHash64(credential_id)};

-- subClaimsCte and userClaimsCte (rule 2): a claim value → identity.
CREATE TABLE IF NOT EXISTS {table:attribution_claims} {on_cluster}
(
    generation  UInt64,
    claim_kind  Enum8('sub' = 1, 'user' = 2),
    claim       String,
    identity    String
)
ENGINE = {replicated}MergeTree
PARTITION BY generation
ORDER BY (claim_kind, claim);

{distributed:attribution_claims:cityHash64(claim)};

-- credentialRowsCte: the credential set without the thresholds (an OAuth token's default
-- lifetime is applied when read). A gateway batch rewrites the rows of the credentials it
-- presented in the current generation with a newer version (their gateway evidence moved).
CREATE TABLE IF NOT EXISTS {table:attribution_credentials} {on_cluster}
(
    generation        UInt64,
    credential_id     String,
    type              LowCardinality(String),
    subject           String,
    client_id         String,
    issued_at         Nullable(DateTime64(3, 'UTC')),
    explicit_expires  Nullable(DateTime64(3, 'UTC')),
    revoked_at        Nullable(DateTime64(3, 'UTC')),
    last_used_at      Nullable(DateTime64(3, 'UTC')),
    known             UInt8,
    logged_by         LowCardinality(String),
    version           UInt64
)
ENGINE = {replicated}ReplacingMergeTree(version)
PARTITION BY generation
-- generation leads the key: FINAL collapses rows of one generation only, whatever the reader's filter
ORDER BY (generation, credential_id);

{distributed:attribution_credentials:cityHash64(credential_id)};

-- triggersCte: one row per deprovisioning trigger fact, with the identity it removes.
CREATE TABLE IF NOT EXISTS {table:attribution_triggers} {on_cluster}
(
    generation         UInt64,
    event_id           String,
    fact_index         UInt8,
    time               DateTime64(3, 'UTC'),
    identity           String,
    source             String,
    vendor_event_type  String
)
ENGINE = {replicated}MergeTree
PARTITION BY generation
ORDER BY (identity, time, event_id, fact_index);

{distributed:attribution_triggers:cityHash64(identity)};

-- identitiesCte: kind, display name, owner per identity.
CREATE TABLE IF NOT EXISTS {table:attribution_identities} {on_cluster}
(
    generation    UInt64,
    identity      String,
    kind          String,
    display_name  Nullable(String),
    owner         Nullable(String),
    ownerless     UInt8
)
ENGINE = {replicated}MergeTree
PARTITION BY generation
ORDER BY identity;

{distributed:attribution_identities:cityHash64(identity)};

-- Maintenance finds the requests stored since its last run by ingested_at: recent parts hold
-- them, so a minmax index lets it skip every older granule instead of reading the column.
ALTER TABLE {table:gateway_requests} {on_cluster} ADD INDEX IF NOT EXISTS idx_ingested_at ingested_at TYPE minmax GRANULARITY 1;
ALTER TABLE {table:gateway_requests} {on_cluster} MATERIALIZE INDEX idx_ingested_at SETTINGS mutations_sync = 2;
