-- The IdP keys one maintenance run recomputes when it builds the next IdP generation from the
-- previous one (lib/attribution/maintain/idp-increment.ts): the subjects the new facts name, those
-- of them whose identity moved, and the credentials, claims and identities those can change. Every
-- other key's rows are carried over from the previous generation. Memory: lives for one run, like
-- attribution_dirty.
CREATE TABLE IF NOT EXISTS {table:attribution_touched} {on_cluster}
(
    run_id     String,
    kind       Enum8('subject' = 1, 'credential' = 2, 'sub' = 3, 'user' = 4, 'identity' = 5, 'moved' = 6),
    source     String,
    key        String,
    staged_at  DateTime DEFAULT now()
)
ENGINE = Memory;

{distributed:attribution_touched:cityHash64(key)};

-- The IdP facts ingested at exactly idp_watermark, as gateway_at_watermark for requests: the next
-- run reads the facts after the watermark as new, and those at its millisecond only when more are
-- there than were counted. A state row from before has 0: that run reads the millisecond again.
ALTER TABLE {table:attribution_state} {on_cluster} ADD COLUMN IF NOT EXISTS idp_at_watermark UInt64;
ALTER TABLE attribution_state {on_cluster} ADD COLUMN IF NOT EXISTS idp_at_watermark UInt64;
