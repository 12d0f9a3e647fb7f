/**
 * The six reports computed by PostgreSQL over the same rows, for the benchmark's ratio and its
 * equality check: each answers the report's JSON body (the keys after the common header), built
 * by the database itself. Attribution comes from postgres-attribution.ts; the aggregates are
 * the ones of lib/reports/*.ts (nearest-rank percentiles in integers, same sort orders).
 */
import type { Client } from 'pg'
import { DEFAULT_THRESHOLDS, type ReportName } from '@/lib/reports'
import { PG_IDENTITIES, pgAttributedActionCtes, pgCredentialCtes, pgWith, type PgWindow } from './postgres-attribution'

export type PgReportOptions = { from: Date; to: Date; now: Date }

const ISO = (t: string) => `to_char(${t} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
const MS = (interval: string) => `(extract(epoch FROM ${interval}) * 1000)::bigint`
const nearestRank = (sorted: string, percent: number) => `${sorted}[(${percent} * cardinality(${sorted}) + 99) / 100]`
const PERIOD: PgWindow = { from: '$from', to: '$to', through: false }

const ACTION_TALLIES = `count(*) AS total, count(*) FILTER (WHERE identity = '') AS unattributed,
  count(*) FILTER (WHERE reason = 'no_credential') AS no_credential, count(*) FILTER (WHERE reason = 'unknown_credential') AS unknown_credential,
  count(*) FILTER (WHERE reason = 'unmapped_subject') AS unmapped_subject,
  count(*) FILTER (WHERE method = 'credential') AS credential, count(*) FILTER (WHERE method = 'subject_claim') AS subject_claim,
  count(*) FILTER (WHERE method = 'session') AS session,
  count(*) FILTER (WHERE after_expiry) AS after_expiry, count(*) FILTER (WHERE after_revocation) AS after_revocation,
  count(*) FILTER (WHERE after_deprovision) AS after_deprovision, count(*) FILTER (WHERE conflict) AS conflict`

const unattributed = `${pgWith(pgAttributedActionCtes(PERIOD))},
tallies AS (
  SELECT GROUPING(server_name, client) AS grouping_set, server_name, client, ${ACTION_TALLIES}
  FROM (SELECT *, CASE WHEN server = '' THEN 'unknown' ELSE server END AS server_name,
          CASE WHEN client_name = '' THEN 'unknown' ELSE client_name END AS client FROM actions) a
  GROUP BY GROUPING SETS ((), (server_name), (client))),
whole AS (SELECT * FROM tallies WHERE grouping_set = 3)
SELECT json_build_object(
  'total_actions', w.total, 'attributed_actions', w.total - w.unattributed, 'unattributed_actions', w.unattributed,
  'unattributed_ratio', CASE WHEN w.total = 0 THEN 0 ELSE w.unattributed::float8 / w.total END,
  'by_reason', json_build_object('no_credential', w.no_credential, 'unknown_credential', w.unknown_credential, 'unmapped_subject', w.unmapped_subject),
  'by_method', json_build_object('credential', w.credential, 'subject_claim', w.subject_claim, 'session', w.session),
  'by_server', (SELECT coalesce(json_agg(json_build_object('server', server_name, 'total', total, 'unattributed', unattributed)
      ORDER BY unattributed DESC, server_name), '[]') FROM tallies WHERE grouping_set = 1),
  'by_client', (SELECT coalesce(json_agg(json_build_object('client', client, 'total', total, 'unattributed', unattributed)
      ORDER BY unattributed DESC, client), '[]') FROM tallies WHERE grouping_set = 2),
  'flagged', json_build_object('after_expiry', w.after_expiry, 'after_revocation', w.after_revocation,
    'after_deprovision', w.after_deprovision, 'conflict', w.conflict),
  'denied_requests', (SELECT count(DISTINCT event_id) FROM gateway_requests WHERE time >= $from AND time < $to AND outcome = 'denied'))
FROM whole w`

const tokenAge = `${pgWith(pgCredentialCtes(PERIOD))},
rated AS (
  SELECT type, expires_at, issued_at, presented_in_period,
    issued_at IS NOT NULL AND issued_at < $to AND (expires_at IS NULL OR expires_at > $from)
      AND (revoked_at IS NULL OR revoked_at > $from) AS live,
    ${MS('least($to, coalesce(expires_at, $to), coalesce(revoked_at, $to)) - issued_at')}::float8 / 86400000 AS age,
    CASE type WHEN 'oauth_access' THEN $max_oauth_access WHEN 'oauth_refresh' THEN $max_oauth_refresh WHEN 'api_key' THEN $max_api_key
      WHEN 'pat' THEN $max_pat WHEN 'service_token' THEN $max_service_token ELSE 'Infinity'::float8 END AS max_age
  FROM credentials),
tallies AS (
  SELECT count(*) FILTER (WHERE live) AS members,
    count(*) FILTER (WHERE live AND type = 'oauth_access') AS oauth_access, count(*) FILTER (WHERE live AND type = 'oauth_refresh') AS oauth_refresh,
    count(*) FILTER (WHERE live AND type = 'api_key') AS api_key, count(*) FILTER (WHERE live AND type = 'pat') AS pat,
    count(*) FILTER (WHERE live AND type = 'service_token') AS service_token,
    count(*) FILTER (WHERE live AND expires_at IS NULL) AS no_expiry, count(*) FILTER (WHERE live AND age > max_age) AS over_max_age,
    array_agg(age ORDER BY age) FILTER (WHERE live) AS sorted,
    count(*) FILTER (WHERE live AND age <= 1) AS b1, count(*) FILTER (WHERE live AND age > 1 AND age <= 7) AS b7,
    count(*) FILTER (WHERE live AND age > 7 AND age <= 30) AS b30, count(*) FILTER (WHERE live AND age > 30 AND age <= 90) AS b90,
    count(*) FILTER (WHERE live AND age > 90 AND age <= 365) AS b365, count(*) FILTER (WHERE live AND age > 365) AS bmore,
    count(*) FILTER (WHERE issued_at IS NULL AND presented_in_period) AS unknown_issue_time
  FROM rated)
SELECT json_build_object('credentials', members,
  'by_type', json_build_object('oauth_access', oauth_access, 'oauth_refresh', oauth_refresh, 'api_key', api_key, 'pat', pat, 'service_token', service_token),
  'no_expiry', no_expiry, 'over_max_age', over_max_age,
  'age_days', json_build_object('p50', ${nearestRank('sorted', 50)}, 'p95', ${nearestRank('sorted', 95)}, 'max', sorted[cardinality(sorted)]),
  'buckets', json_build_object('<=1', b1, '<=7', b7, '<=30', b30, '<=90', b90, '<=365', b365, '>365', bmore),
  'unknown_issue_time', unknown_issue_time)
FROM tallies`

const SCOPE: PgWindow = { from: '$from', to: '$scope_to', through: true }

const revocationLatency = `${pgWith(pgAttributedActionCtes(SCOPE))},
population AS (SELECT event_id, fact_index, time, identity FROM triggers WHERE time >= $from AND time < $to),
live_pairs AS (
  SELECT p.event_id, p.fact_index, closed_at, closed_at IS NULL OR closed_at > $now AS open,
    NOT (closed_at IS NULL OR closed_at > $now) AND c.expires_at IS NOT NULL AND (c.revoked_at IS NULL OR c.revoked_at >= c.expires_at) AS by_expiry,
    ${MS('closed_at - p.time')} AS latency_ms
  FROM population p
  JOIN (SELECT subject, issued_at, expires_at, revoked_at, least(revoked_at, expires_at) AS closed_at FROM credentials) c ON c.subject = p.identity
  WHERE c.issued_at <= p.time AND (c.expires_at IS NULL OR c.expires_at > p.time) AND (c.revoked_at IS NULL OR c.revoked_at > p.time)),
outcomes AS (
  SELECT p.event_id, p.fact_index, count(l.event_id) AS live, count(*) FILTER (WHERE l.open) AS open_credentials,
    max(l.latency_ms) FILTER (WHERE NOT l.open)::float8 / 1000 AS latency, count(*) FILTER (WHERE l.by_expiry) AS closed_by_expiry
  FROM population p LEFT JOIN live_pairs l ON l.event_id = p.event_id AND l.fact_index = p.fact_index
  GROUP BY p.event_id, p.fact_index),
tallies AS (
  SELECT count(*) AS triggers, count(*) FILTER (WHERE live > 0) AS with_live_credentials, count(*) FILTER (WHERE open_credentials > 0) AS unresolved,
    array_agg(latency ORDER BY latency) FILTER (WHERE live > 0 AND open_credentials = 0) AS sorted,
    count(*) FILTER (WHERE open_credentials = 0 AND (live = 0 OR latency <= $sla)) AS within_sla,
    coalesce(sum(closed_by_expiry), 0) AS closed_by_expiry
  FROM outcomes),
identity_reach AS (SELECT identity, min(time) AS since FROM population GROUP BY identity),
action_tallies AS (
  SELECT count(*) FILTER (WHERE a.time <= $now AND r.identity IS NOT NULL AND a.time > r.since) AS post_trigger_actions,
    count(*) FILTER (WHERE a.after_revocation AND a.time >= $from AND a.time < $to) AS post_revocation_actions
  FROM actions a LEFT JOIN identity_reach r ON r.identity = a.identity)
SELECT json_build_object('triggers', triggers, 'with_live_credentials', with_live_credentials, 'unresolved', unresolved,
  'latency_seconds', json_build_object('p50', ${nearestRank('sorted', 50)}, 'p95', ${nearestRank('sorted', 95)}, 'max', sorted[cardinality(sorted)]),
  'within_sla', within_sla, 'closed_by_expiry', closed_by_expiry,
  'post_trigger_actions', post_trigger_actions, 'post_revocation_actions', post_revocation_actions)
FROM tallies CROSS JOIN action_tallies`

const attribution = `${pgWith(pgAttributedActionCtes(PERIOD), [PG_IDENTITIES])},
per_identity AS (
  SELECT identity, ${ACTION_TALLIES},
    count(DISTINCT server) FILTER (WHERE server <> '') AS servers, count(DISTINCT tool) FILTER (WHERE tool <> '') AS tools,
    count(DISTINCT client_name) FILTER (WHERE client_name <> '') AS clients, min(time) AS first_action, max(time) AS last_action
  FROM actions GROUP BY identity)
SELECT json_build_object(
  'identities', coalesce(json_agg(json_build_object(
      'identity', p.identity, 'kind', CASE WHEN p.identity LIKE 'client:%' OR p.identity LIKE 'svc:%' THEN 'service' ELSE 'person' END,
      'display_name', i.display_name, 'owner', i.owner, 'actions', p.total, 'servers', p.servers, 'tools', p.tools, 'clients', p.clients,
      'first_action', ${ISO('p.first_action')}, 'last_action', ${ISO('p.last_action')},
      'by_method', json_build_object('credential', p.credential, 'subject_claim', p.subject_claim, 'session', p.session),
      'flagged', json_build_object('after_expiry', p.after_expiry, 'after_revocation', p.after_revocation,
        'after_deprovision', p.after_deprovision, 'conflict', p.conflict))
    ORDER BY p.total DESC, p.identity) FILTER (WHERE p.identity <> ''), '[]'),
  'unattributed_actions', coalesce(sum(p.total) FILTER (WHERE p.identity = ''), 0))
FROM per_identity p LEFT JOIN identities i ON i.identity = p.identity`

const offGateway = `${pgWith([pgCredentialCtes(PERIOD)[0]])},
presented AS MATERIALIZED (SELECT DISTINCT credential_id FROM gateway_requests WHERE credential_id <> ''),
grants AS MATERIALIZED (
  SELECT credential_id, (array_agg(client_id ORDER BY time, client_id))[1] AS client, min(coalesce(issued_at, time)) AS issued
  FROM facts WHERE kind = 'credential' AND source <> 'keys' AND credential_id <> '' AND client_id <> ''
  GROUP BY credential_id),
agent_clients AS (
  SELECT DISTINCT jwt_client_id AS client FROM gateway_requests WHERE jwt_client_id <> ''
  UNION
  SELECT client FROM grants WHERE credential_id IN (SELECT credential_id FROM presented)),
per_client AS (
  SELECT client, count(*) AS grants, max(issued) AS last_grant FROM grants
  WHERE issued >= $from AND issued < $to AND client IN (SELECT client FROM agent_clients)
    AND credential_id NOT IN (SELECT credential_id FROM presented)
  GROUP BY client)
SELECT json_build_object('clients', coalesce(json_agg(json_build_object('client', client, 'grants', grants, 'last_grant', ${ISO('last_grant')})
  ORDER BY grants DESC, client), '[]'))
FROM per_client`

const coverage = `WITH period_events AS (
  SELECT source, event_id, time FROM gateway_requests WHERE time >= $from AND time < $to
  UNION ALL
  SELECT source, event_id, time FROM idp_events WHERE time >= $from AND time < $to),
per_source AS (
  SELECT source, count(DISTINCT event_id) AS events, min(time) AS first_event, max(time) AS last_event,
    count(DISTINCT (time AT TIME ZONE 'UTC')::date) AS active_days
  FROM period_events GROUP BY source),
known_sources AS (SELECT DISTINCT source FROM gateway_requests UNION SELECT DISTINCT source FROM idp_events),
period AS (SELECT ((($to - interval '1 millisecond') AT TIME ZONE 'UTC')::date - ($from AT TIME ZONE 'UTC')::date) + 1 AS days)
SELECT json_build_object('days', (SELECT days FROM period),
  'sources', coalesce(json_agg(json_build_object('source', k.source, 'events', coalesce(p.events, 0),
      'first_event', ${ISO('p.first_event')}, 'last_event', ${ISO('p.last_event')},
      'days_without_events', (SELECT days FROM period) - coalesce(p.active_days, 0)) ORDER BY k.source), '[]'))
FROM known_sources k LEFT JOIN per_source p ON p.source = k.source`

const REPORT_SQL: Record<ReportName, string> = {
  unattributed,
  'token-age': tokenAge,
  'revocation-latency': revocationLatency,
  attribution,
  'off-gateway': offGateway,
  coverage,
}

/** Runs one report in PostgreSQL and returns its JSON body. */
export async function pgReport(client: Client, name: ReportName, opts: PgReportOptions): Promise<Record<string, unknown>> {
  const result = await client.query<Record<string, Record<string, unknown>>>(pgReportQuery(name, opts))
  return Object.values(result.rows[0])[0]
}

/** A report's statement with its parameters bound. */
export function pgReportQuery(name: ReportName, opts: PgReportOptions): { text: string; values: unknown[] } {
  const t = DEFAULT_THRESHOLDS
  return bindNamed(REPORT_SQL[name], {
    from: [opts.from.toISOString(), 'timestamptz'],
    to: [opts.to.toISOString(), 'timestamptz'],
    now: [opts.now.toISOString(), 'timestamptz'],
    scope_to: [new Date(Math.max(opts.to.getTime(), opts.now.getTime())).toISOString(), 'timestamptz'],
    lifetime: [t.default_token_lifetime_seconds, 'int'],
    sla: [t.revocation_sla_seconds, 'float8'],
    max_oauth_access: [t.max_age_days.oauth_access, 'float8'],
    max_oauth_refresh: [t.max_age_days.oauth_refresh, 'float8'],
    max_api_key: [t.max_age_days.api_key, 'float8'],
    max_pat: [t.max_age_days.pat, 'float8'],
    max_service_token: [t.max_age_days.service_token, 'float8'],
  })
}

/** `$name` placeholders → `$1::type`, `$2::type`, … with their values, each name bound once. */
export function bindNamed(text: string, params: Record<string, [unknown, string]>): { text: string; values: unknown[] } {
  const order: string[] = []
  const rendered = text.replace(/\$([a-z_]+)/g, (_, name: string) => {
    const param = params[name]
    if (!param) throw new Error(`bindNamed: no value for $${name}`)
    if (!order.includes(name)) order.push(name)
    return `$${order.indexOf(name) + 1}::${param[1]}`
  })
  return { text: rendered, values: order.map((name) => params[name][0]) }
}
