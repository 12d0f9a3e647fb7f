-- Aggregating projections for the reports (lib/attribution): two questions every attributed
-- report asks of all gateway requests, answered from a few hundred thousand pre-aggregated
-- rows per part instead of every request. A projection is part of each data part, built
-- when the part is written and rebuilt when parts merge, so it always agrees with the
-- table: no state outside the rows, and ingest order changes nothing (every aggregate here
-- is a min, max or multiset, and a duplicated request changes none of them). A query the
-- optimizer cannot answer from a projection reads the table instead, with the same result.
-- The queries that use them must keep these exact expressions (lib/attribution/credentials.ts,
-- lib/attribution/session.ts; test/reports/projections.test.ts checks they are used).

-- A ReplacingMergeTree refuses projections unless merges that drop duplicates rebuild them.
ALTER TABLE {table:gateway_requests} {on_cluster} MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

-- What the gateway saw of each credential (the credential set, lib/attribution/credentials.ts):
-- the latest type, client, first iat, last exp, last agent action.
ALTER TABLE {table:gateway_requests} {on_cluster} ADD PROJECTION IF NOT EXISTS per_credential
(
    SELECT
        credential_id,
        jwt_client_id,
        max((time, if(credential_type != '', toString(credential_type), if(auth_scheme = 'api_key', 'api_key', 'oauth_access')))),
        max(time),
        min(token_iat),
        max(token_exp),
        maxIf(toNullable(time), is_action = 1 AND outcome != 'denied')
    GROUP BY credential_id, jwt_client_id
);

-- Per MCP session and what its requests presented (rule 3, lib/attribution/session.ts): when
-- its agent actions happened, and when its let-through requests (the possible seeds) did.
ALTER TABLE {table:gateway_requests} {on_cluster} ADD PROJECTION IF NOT EXISTS per_session_claims
(
    SELECT
        session_id,
        credential_id,
        jwt_sub,
        user_claim,
        countIf(is_action = 1 AND outcome != 'denied'),
        minIf(time, is_action = 1 AND outcome != 'denied'),
        maxIf(time, is_action = 1 AND outcome != 'denied'),
        groupArrayIf(time, outcome != 'denied')
    GROUP BY session_id, credential_id, jwt_sub, user_claim
);

-- Builds both for rows stored before this migration (new parts get them when written).
ALTER TABLE {table:gateway_requests} {on_cluster} MATERIALIZE PROJECTION per_credential SETTINGS mutations_sync = 2;
ALTER TABLE {table:gateway_requests} {on_cluster} MATERIALIZE PROJECTION per_session_claims SETTINGS mutations_sync = 2;
