import { command, query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { localTable } from '@/lib/clickhouse/ddl'

/** What every maintenance statement runs with: materialized CTEs (see cte.ts). */
export const MAINTENANCE_SETTINGS = { enable_materialized_cte: 1, throw_on_max_partitions_per_insert_block: 0 }

export async function run(statement: SqlFragment, step: string, settings: Record<string, number> = {}): Promise<void> {
  await command(statement, { tag: `attribution:${step}`, settings: { ...MAINTENANCE_SETTINGS, ...settings } })
}

/** The columns of attributed_actions that attributionCte computes, in its order. */
export const ATTRIBUTION_COLUMNS = unsafeRawSql(
  'event_id, time, server, tool, client_name, session_id, credential_id, credential_type, credential_explicit_expires, ' +
    'credential_issued_at, identity, method, reason, after_revocation, after_deprovision, conflict',
)

/** The columns of attribution_credentials that credentialRowsCte computes, in its order. */
export const CREDENTIAL_COLUMN_NAMES =
  'credential_id, type, subject, client_id, issued_at, explicit_expires, revoked_at, last_used_at, known, logged_by, ' +
  'presented, grant_client, grant_source, grant_subject, grant_issued'
export const CREDENTIAL_COLUMNS = unsafeRawSql(CREDENTIAL_COLUMN_NAMES)

/** A newer version than any row written before it (ReplacingMergeTree keeps the largest). */
export const newVersion = sql`toUnixTimestamp64Micro(now64(6))`

/** What of a credential row can change an action's attribution or flags (not last use, not client). */
export const credentialAttributionKey = sql`toString((subject, type, issued_at, explicit_expires, revoked_at))`

export type DirtyKind = 'credential' | 'sub' | 'user' | 'session' | 'identity'

/** The keys of `kind` a maintenance run found changed, as an IN set. */
export function dirtyKeys(runId: string, kind: DirtyKind): SqlFragment {
  return sql`(SELECT key FROM attribution_dirty WHERE run_id = ${runId} AND kind = ${kind})`
}

/** The kinds of which a run found some changed key. */
export async function dirtyKinds(runId: string): Promise<Set<DirtyKind>> {
  const rows = await query<{ kind: DirtyKind }>(
    sql`SELECT DISTINCT toString(kind) AS kind FROM attribution_dirty WHERE run_id = ${runId}`,
    { tag: 'attribution:dirty-kinds' },
  )
  return new Set(rows.map((r) => r.kind))
}

/** Forgets a run's keys, and whatever a crashed run left an hour ago. */
export async function clearDirty(runId: string): Promise<void> {
  await run(sql`ALTER TABLE ${localTable('attribution_dirty')} DELETE WHERE run_id = ${runId} OR staged_at < now() - INTERVAL 1 HOUR`, 'clear-dirty')
}
