-- The off-gateway report (lib/reports/off-gateway.ts) reads the stored credential set instead of
-- deduplicating every IdP fact and collecting every presented credential per query: each
-- credential row also says whether a gateway presented it, and its first IdP grant to a client
-- (lib/attribution/credentials.ts, credentialRowsCte). Maintained like the rest of the row.
ALTER TABLE {table:attribution_credentials} {on_cluster}
    ADD COLUMN IF NOT EXISTS presented UInt8,
    ADD COLUMN IF NOT EXISTS grant_client String,
    ADD COLUMN IF NOT EXISTS grant_source LowCardinality(String),
    ADD COLUMN IF NOT EXISTS grant_subject String,
    ADD COLUMN IF NOT EXISTS grant_issued Nullable(DateTime64(3, 'UTC'));

-- On a cluster the Distributed table over them needs the columns too (on one server this names
-- the same table again, and IF NOT EXISTS makes it a no-op).
ALTER TABLE attribution_credentials {on_cluster}
    ADD COLUMN IF NOT EXISTS presented UInt8,
    ADD COLUMN IF NOT EXISTS grant_client String,
    ADD COLUMN IF NOT EXISTS grant_source LowCardinality(String),
    ADD COLUMN IF NOT EXISTS grant_subject String,
    ADD COLUMN IF NOT EXISTS grant_issued Nullable(DateTime64(3, 'UTC'));

-- Rows stored before these columns have none of them: forgetting the maintenance state makes
-- the next run rebuild the stored attribution from scratch (lib/attribution/maintain).
TRUNCATE TABLE IF EXISTS {table:attribution_state} {on_cluster};
