-- Agent actions per hour, pre-aggregated beside attributed_actions (lib/attribution/maintain/hours.ts),
-- so a report over a month reads a few hundred thousand groups instead of every action: the
-- period's whole hours come from here, its partial edge hours from attributed_actions.
-- One row per (hour, identity, server, client, method, reason): the counts, the flags,
-- the distinct non-empty tools (a report counts the distinct elements over hours: exact),
-- the first and last action. Whenever maintenance writes actions, the hours it touched are
-- recomputed from attributed_actions FINAL and written with a newer version; a group that
-- no longer has actions is written with actions = 0. Read with FINAL and actions > 0.
-- `after_expiry` is counted under the default token lifetime the row was built with
-- (`lifetime_seconds`); a report under another lifetime reads attributed_actions instead.
-- A partition per day, merged (OPTIMIZE … FINAL) right after its hours are rewritten: a
-- partition of one merged part is read with FINAL at no cost
-- (do_not_merge_across_partitions_select_final), and a day is small to merge.
CREATE TABLE IF NOT EXISTS {table:attributed_hours} {on_cluster}
(
    hour               DateTime('UTC'),
    identity           String,
    server             LowCardinality(String),
    client_name        LowCardinality(String),
    method             LowCardinality(String),
    reason             LowCardinality(String),
    lifetime_seconds   UInt32,
    actions            UInt64,
    after_expiry       UInt64,
    after_revocation   UInt64,
    after_deprovision  UInt64,
    conflict           UInt64,
    tools              Array(String),
    -- presented credentials with no known issue time (token-age's unknown_issue_time)
    unissued           Array(String),
    first_action       DateTime64(3, 'UTC'),
    last_action        DateTime64(3, 'UTC'),
    version            UInt64
)
ENGINE = {replicated}ReplacingMergeTree(version)
PARTITION BY toYYYYMMDD(hour)
ORDER BY (hour, identity, server, client_name, method, reason);

-- Rows are written shard-locally (each shard's hours from its own attributed_actions_local);
-- the key only routes an insert through the Distributed table on a single node.
{distributed:attributed_hours:cityHash64(hour)};
