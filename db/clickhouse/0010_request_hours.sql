-- Gateway requests per hour and source (lib/attribution/maintain/hours.ts), so coverage reads
-- a month's whole hours here and only its partial edge hours from gateway_requests. `events`
-- counts distinct (event_id, time): a stored copy of a request has the same time, so the
-- same hour, and hours add up exactly. The hours new requests fall in are recomputed from
-- gateway_requests and written with a newer version (a source never leaves an hour: rows
-- are only removed by a rebuild, which starts the table over). A partition per day, merged
-- right after it is rewritten, so FINAL costs nothing.
CREATE TABLE IF NOT EXISTS {table:request_hours} {on_cluster}
(
    hour         DateTime('UTC'),
    source       LowCardinality(String),
    events       UInt64,
    first_event  DateTime64(3, 'UTC'),
    last_event   DateTime64(3, 'UTC'),
    version      UInt64
)
ENGINE = {replicated}ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(hour)
ORDER BY (hour, source);

-- Written shard-locally from each shard's gateway_requests_local, as attributed_hours (0009).
{distributed:request_hours:cityHash64(hour)};
