/**
 * The attribution rules of lib/attribution ported to PostgreSQL for the report benchmark:
 * the same definitions (metrics.md) written the way PostgreSQL does them well — DISTINCT ON
 * for "one row per key, first by an order", ordered array_agg for argMax, a running count
 * over the session timeline for rule 3 (gaps and islands) instead of per-session arrays.
 * Parameters are named `$name` and bound by `bindNamed` (postgres-reports.ts).
 * Every text column is COLLATE "C", so orderings and min() match ClickHouse's byte order.
 */

/** A report's time window: `[from, to)`, or `[from, to]` for the revocation report's actions. */
export type PgWindow = { from: string; to: string; through: boolean }

const inWindow = (column: string, w: PgWindow) =>
  `${column} >= ${w.from} AND ${column} ${w.through ? '<=' : '<'} ${w.to}`

/** One row per (event_id, fact_index), the latest ingest winning. */
const FACTS = `facts AS MATERIALIZED (
  SELECT DISTINCT ON (event_id, fact_index) event_id, fact_index, source, time, kind, subject_kind, subject_id, email, login,
    display_name, owner, client_id, credential_id, credential_type, issued_at, expires_at
  FROM idp_events ORDER BY event_id, fact_index, ingested_at DESC)`

const SUBJECTS = `subjects AS MATERIALIZED (
  SELECT source, subject_id, subject_class AS kind, person_email AS email,
    CASE WHEN subject_class = 'service' AND source = 'keys' THEN 'svc:' || subject_id
         WHEN subject_class = 'service' THEN 'client:' || subject_id
         WHEN person_email <> '' THEN person_email
         ELSE source || ':' || subject_id END AS identity
  FROM (
    SELECT source, subject_id, subject_class,
      CASE WHEN subject_class = 'service' THEN ''
           WHEN given_email <> '' THEN given_email
           WHEN subject_id ~ '^[^@[:space:]]+@[^@[:space:]]+$' THEN lower(subject_id)
           ELSE '' END AS person_email
    FROM (
      SELECT source, subject_id,
        CASE WHEN max(subject_kind) = 'service' THEN 'service' ELSE 'person' END AS subject_class,
        coalesce((array_agg(lower(email) ORDER BY time DESC, lower(email) DESC) FILTER (WHERE email <> ''))[1], '') AS given_email
      FROM facts WHERE subject_id <> '' GROUP BY source, subject_id
    ) g
  ) c)`

const TRIGGERS = `triggers AS (
  SELECT f.event_id, f.fact_index, f.time, s.identity
  FROM facts f JOIN subjects s ON s.source = f.source AND s.subject_id = f.subject_id
  WHERE f.kind = 'trigger'),
first_triggers AS (SELECT identity, min(time) AS first_trigger FROM triggers GROUP BY identity)`

const CREDENTIAL_SUBJECTS = `credential_subjects AS MATERIALIZED (
  SELECT DISTINCT ON (f.credential_id) f.credential_id, s.identity, f.source AS issuer_source, f.subject_id AS issuer_subject
  FROM facts f JOIN subjects s ON s.source = f.source AND s.subject_id = f.subject_id
  WHERE f.credential_id <> '' AND f.kind IN ('credential', 'revocation')
  ORDER BY f.credential_id, f.kind <> 'credential', f.time, s.identity),
subject_revocations AS (
  SELECT source, subject_id, array_agg(time) AS times FROM facts
  WHERE kind = 'subject_revocation' AND subject_id <> '' GROUP BY source, subject_id)`

/** What the IdP side and the gateway side each say per credential; the IdP wins where both do. */
function credentialEvidence(period: PgWindow) {
  return `idp_evidence AS (
  SELECT credential_id,
    (array_agg(credential_type ORDER BY time DESC, credential_type DESC) FILTER (WHERE credential_type <> ''))[1] AS idp_type,
    (array_agg(client_id ORDER BY time DESC, client_id DESC) FILTER (WHERE client_id <> ''))[1] AS idp_client,
    min(CASE WHEN kind = 'credential' THEN CASE WHEN source = 'keys' THEN issued_at ELSE coalesce(issued_at, time) END END) AS idp_issued,
    (array_agg(expires_at ORDER BY time DESC, expires_at DESC) FILTER (WHERE kind = 'credential' AND expires_at IS NOT NULL))[1] AS idp_expires,
    array_agg(time) FILTER (WHERE kind = 'revocation') AS revocations
  FROM facts WHERE credential_id <> '' AND kind IN ('credential', 'revocation') GROUP BY credential_id),
gateway_evidence AS (
  SELECT credential_id,
    (array_agg(presented_type ORDER BY time DESC, presented_type DESC))[1] AS gateway_type,
    (array_agg(jwt_client_id ORDER BY time DESC, jwt_client_id DESC) FILTER (WHERE jwt_client_id <> ''))[1] AS gateway_client,
    min(token_iat) AS gateway_issued, max(token_exp) AS gateway_expires,
    max(time) FILTER (WHERE is_action = 1 AND outcome <> 'denied') AS last_used_at,
    bool_or(is_action = 1 AND outcome <> 'denied' AND ${inWindow('time', period)}) AS presented_in_period
  FROM (SELECT credential_id, time, jwt_client_id, token_iat, token_exp, is_action, outcome,
          CASE WHEN credential_type <> '' THEN credential_type WHEN auth_scheme = 'api_key' THEN 'api_key' ELSE 'oauth_access' END AS presented_type
        FROM gateway_requests WHERE credential_id <> '') g
  GROUP BY credential_id)`
}

const CREDENTIALS = `credentials AS MATERIALIZED (
  SELECT e.credential_id, e.type, coalesce(cs.identity, '') AS subject, e.client_id, e.issued_at,
    coalesce(e.idp_expires, e.gateway_expires,
      CASE WHEN e.type IN ('oauth_access', 'oauth_refresh') THEN e.issued_at + $lifetime * interval '1 second' END) AS expires_at,
    (SELECT min(t) FROM unnest(coalesce(e.revocations, '{}') || coalesce(sr.times, '{}')) AS t
      WHERE e.issued_at IS NULL OR t > e.issued_at) AS revoked_at,
    e.last_used_at, e.presented_in_period, e.known
  FROM (
    SELECT coalesce(i.credential_id, g.credential_id) AS credential_id, i.credential_id IS NOT NULL AS known,
      coalesce(i.idp_type, g.gateway_type, '') AS type, coalesce(i.idp_client, g.gateway_client, '') AS client_id,
      coalesce(i.idp_issued, g.gateway_issued) AS issued_at, i.idp_expires, g.gateway_expires, i.revocations,
      g.last_used_at, coalesce(g.presented_in_period, false) AS presented_in_period
    FROM idp_evidence i FULL JOIN gateway_evidence g ON g.credential_id = i.credential_id
  ) e
  LEFT JOIN credential_subjects cs ON cs.credential_id = e.credential_id
  LEFT JOIN subject_revocations sr ON sr.source = cs.issuer_source AND sr.subject_id = cs.issuer_subject)`

const CLAIMS = `sub_claims AS (SELECT subject_id AS claim, min(identity) AS identity FROM subjects WHERE source <> 'keys' GROUP BY subject_id),
user_claims AS (
  SELECT claim, min(identity) AS identity FROM (
    SELECT email AS claim, identity FROM subjects WHERE kind = 'person' AND email <> ''
    UNION ALL
    SELECT lower(f.login), s.identity FROM facts f JOIN subjects s ON s.source = f.source AND s.subject_id = f.subject_id
    WHERE f.login <> '' AND s.kind = 'person'
  ) u GROUP BY claim)`

/** Rules 1 and 2 for the deduplicated agent actions of the scope. */
function direct(scope: PgWindow) {
  return `requests AS (
  SELECT DISTINCT ON (event_id) event_id, time, is_action = 1 AND outcome <> 'denied' AS is_agent_action,
    server, tool, session_id, client_name, credential_id, jwt_sub, user_claim
  FROM gateway_requests WHERE ${inWindow('time', scope)} ORDER BY event_id),
direct AS MATERIALIZED (
  SELECT r.event_id, r.time, r.server, r.tool, r.session_id, r.client_name, r.credential_id, r.jwt_sub, r.user_claim,
    coalesce(c.subject, '') AS credential_identity, coalesce(nullif(sc.identity, ''), uc.identity, '') AS claim_identity,
    c.expires_at AS credential_expires_at, c.revoked_at AS credential_revoked_at
  FROM requests r
  LEFT JOIN credentials c ON c.credential_id = r.credential_id
  LEFT JOIN sub_claims sc ON sc.claim = r.jwt_sub
  LEFT JOIN user_claims uc ON uc.claim = lower(r.user_claim)
  WHERE r.is_agent_action)`
}

/**
 * Rule 3: each pending action takes the identity of the latest seed strictly before it in its
 * session (same millisecond: the smallest key). Seeds and pending actions of a session are
 * ordered (time, action before seed, identity descending); a running count of seeds splits the
 * timeline into runs, each opened by the seed whose identity its actions inherit.
 */
const INHERITED = `pending AS (
  SELECT event_id, session_id, time FROM direct WHERE credential_identity = '' AND claim_identity = '' AND session_id <> ''),
seeds AS (
  SELECT g.session_id, g.time, coalesce(nullif(cs.identity, ''), nullif(sc.identity, ''), uc.identity, '') AS identity
  FROM gateway_requests g
  LEFT JOIN credential_subjects cs ON cs.credential_id = g.credential_id
  LEFT JOIN sub_claims sc ON sc.claim = g.jwt_sub
  LEFT JOIN user_claims uc ON uc.claim = lower(g.user_claim)
  WHERE g.outcome <> 'denied' AND g.session_id IN (SELECT session_id FROM pending)),
timeline AS (
  SELECT session_id, time, 0 AS seed, ''::text COLLATE "C" AS identity, event_id FROM pending
  UNION ALL
  SELECT session_id, time, 1, identity, NULL FROM seeds WHERE identity <> ''),
runs AS (
  SELECT *, count(*) FILTER (WHERE seed = 1) OVER (PARTITION BY session_id ORDER BY time, seed, identity DESC ROWS UNBOUNDED PRECEDING) AS run
  FROM timeline),
inherited AS (
  SELECT event_id, session_identity FROM (
    SELECT event_id, seed, run,
      first_value(identity) OVER (PARTITION BY session_id, run ORDER BY time, seed, identity DESC) AS session_identity
    FROM runs) r
  WHERE seed = 0 AND run > 0)`

const ACTIONS = `actions AS MATERIALIZED (
  SELECT a.event_id, a.time, a.server, a.tool, a.client_name, a.identity, a.method, a.reason,
    coalesce(a.credential_expires_at < a.time, false) AS after_expiry,
    coalesce(a.credential_revoked_at < a.time, false) AS after_revocation,
    coalesce(ft.first_trigger < a.time, false) AS after_deprovision,
    a.conflict
  FROM (
    SELECT m.*,
      CASE WHEN identity <> '' THEN '' WHEN credential_id <> '' THEN 'unknown_credential'
           WHEN jwt_sub <> '' OR user_claim <> '' THEN 'unmapped_subject' ELSE 'no_credential' END AS reason
    FROM (
      SELECT d.*,
        CASE WHEN credential_identity <> '' THEN credential_identity WHEN claim_identity <> '' THEN claim_identity
             ELSE coalesce(i.session_identity, '') END AS identity,
        CASE WHEN credential_identity <> '' THEN 'credential' WHEN claim_identity <> '' THEN 'subject_claim'
             WHEN coalesce(i.session_identity, '') <> '' THEN 'session' ELSE '' END AS method,
        credential_identity <> '' AND claim_identity <> '' AND credential_identity <> claim_identity AS conflict
      FROM direct d LEFT JOIN inherited i ON i.event_id = d.event_id
    ) m
  ) a
  LEFT JOIN first_triggers ft ON ft.identity = a.identity)`

export const pgIdentityCtes = [FACTS, SUBJECTS, TRIGGERS]

export function pgCredentialCtes(period: PgWindow): string[] {
  return [FACTS, SUBJECTS, CREDENTIAL_SUBJECTS, credentialEvidence(period), CREDENTIALS]
}

/** Every CTE up to `actions` (and `credentials`, `triggers`) for a scope. */
export function pgAttributedActionCtes(scope: PgWindow): string[] {
  return [...pgIdentityCtes, ...pgCredentialCtes(scope), CLAIMS, direct(scope), INHERITED, ACTIONS]
}

export const PG_IDENTITIES = `identities AS (
  SELECT i.identity, i.kind,
    CASE WHEN i.identity LIKE 'svc:%' THEN substr(i.identity, 5) ELSE nullif(i.named, '') END AS display_name,
    CASE WHEN i.kind <> 'service' OR i.owner_given = '' THEN NULL
         WHEN position('@' IN i.owner_given) > 0 THEN lower(i.owner_given)
         WHEN coalesce(o.identity, '') <> '' THEN o.identity
         ELSE i.owner_source || ':' || i.owner_given END AS owner
  FROM (
    SELECT s.identity, min(s.kind) AS kind,
      coalesce((array_agg(f.display_name ORDER BY f.time DESC, f.display_name DESC) FILTER (WHERE f.display_name <> ''))[1], '') AS named,
      (array_agg(f.source ORDER BY f.time DESC, f.owner DESC) FILTER (WHERE f.owner <> ''))[1] AS owner_source,
      coalesce((array_agg(f.owner ORDER BY f.time DESC, f.owner DESC) FILTER (WHERE f.owner <> ''))[1], '') AS owner_given
    FROM facts f JOIN subjects s ON s.source = f.source AND s.subject_id = f.subject_id
    GROUP BY s.identity
  ) i
  LEFT JOIN subjects o ON o.source = i.owner_source AND o.subject_id = i.owner_given)`

/** `WITH a, b, …` with each CTE once, in the order first given. */
export function pgWith(...groups: string[][]): string {
  return `WITH ${[...new Set(groups.flat())].join(',\n')}`
}
