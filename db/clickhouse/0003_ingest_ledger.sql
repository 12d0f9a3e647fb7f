-- Every record an ingest run could not store, with where it came from and why.
CREATE TABLE IF NOT EXISTS {table:ingest_rejects} {on_cluster}
(
    run_id      String,
    source      LowCardinality(String),
    file        String,
    line        UInt64,
    reason      String,
    raw         String CODEC(ZSTD(3)),
    rejected_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = {replicated}MergeTree
ORDER BY (run_id, file, line);

{distributed:ingest_rejects:cityHash64(run_id)};

-- One row per ingest run: received = accepted + duplicates + rejected.
CREATE TABLE IF NOT EXISTS {table:ingest_runs} {on_cluster}
(
    run_id      String,
    source      LowCardinality(String),
    files       Array(String),
    started_at  DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    received    UInt64,
    accepted    UInt64,
    duplicates  UInt64,
    rejected    UInt64
)
ENGINE = {replicated}MergeTree
ORDER BY (started_at, run_id);

{distributed:ingest_runs:cityHash64(run_id)};
