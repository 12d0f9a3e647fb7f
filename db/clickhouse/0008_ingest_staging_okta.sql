-- Staging for the Okta engine path (lib/ingest/engine/okta-fast-path.ts): a batch's lines
-- read once into what the route and the insert both need, so the engine parses each
-- line once instead of once per statement. Memory table, deleted right after use, as
-- ingest_staging_gateway (0004).

-- One row per staged line. fast = 1: the engine vouches for the line and `facts` are
-- the idp_events rows the JS parser builds for it (fact_index is the position); fast = 0:
-- the JS parser takes the line, and facts is empty. Keep the fact fields in step with
-- idp_events (0002).
CREATE TABLE IF NOT EXISTS {table:ingest_staging_okta} {on_cluster}
(
    batch_id           String,
    seq                UInt32,
    fast               UInt8,
    event_id           String,
    time               DateTime64(3, 'UTC'),
    vendor_event_type  String,
    facts              Array(Tuple(
        kind             String,
        subject_kind     String,
        subject_id       String,
        email            String,
        login            String,
        display_name     String,
        owner            String,
        client_id        String,
        credential_id    String,
        credential_type  String,
        issued_at        Nullable(DateTime64(3, 'UTC')),
        expires_at       Nullable(DateTime64(3, 'UTC')))),
    raw                String,
    staged_at          DateTime DEFAULT now()
)
ENGINE = Memory;

{distributed:ingest_staging_okta:cityHash64(batch_id)};
