import { isEmbedded, joinSql, query, sql, type SqlFragment } from '@/lib/clickhouse'
import { attributionCte, directCte, inheritedCte } from '../actions'
import { cte, withCtes } from '../cte'
import { inWindow, requestRows, type TimeWindow } from '../inputs'
import { attributionCtesFromScratch } from '../oracle'
import { sessionClaimsWhereCte, sessionProfilesCte } from '../session'
import { generation, storedClaimsCtes, storedCredentialRowsCte, storedCredentialSubjectsCte, storedTriggersCte } from '../stored'
import { firstTriggersCte } from '../triggers'
import { localTable } from '@/lib/clickhouse/ddl'
import { ATTRIBUTION_COLUMNS, dirtyKeys, dirtyKinds, newVersion, run, type DirtyKind } from './tables'

/**
 * The requests a run must re-attribute, as one filter per way a request is reached: stored
 * since the last run (`since`, a condition on ingested_at), presenting a changed credential or
 * claim, in a changed session. Kinds with no changed key are left out. Each filter is read on
 * its own (UNION), so each can use its skip index (minmax on ingested_at, bloom filters on
 * credential and session) where an OR of them would read every request.
 */
async function reachedRequests(runId: string, since: SqlFragment, withSessions: boolean): Promise<SqlFragment[]> {
  const kinds = await dirtyKinds(runId)
  const reached: Array<[DirtyKind, SqlFragment]> = [
    ['credential', sql`credential_id IN ${dirtyKeys(runId, 'credential')}`],
    ['sub', sql`jwt_sub IN ${dirtyKeys(runId, 'sub')}`],
    ['user', sql`lower(user_claim) IN ${dirtyKeys(runId, 'user')}`],
    ['session', sql`session_id IN ${dirtyKeys(runId, 'session')}`],
  ]
  return [since, ...reached.filter(([kind]) => kinds.has(kind) && (withSessions || kind !== 'session')).map(([, filter]) => filter)]
}

/** Skip indexes hold with FINAL here: every copy of a request has the same credential, claims and session. */
const INDEXED_FINAL = { use_skip_indexes_if_final: 1 }

/**
 * What re-attributing a whole batch's actions may hold: an INSERT … SELECT squashes its rows into blocks of
 * up to 1M rows / 256 MiB before writing by default, and a GROUP BY or sort past 128 MiB spills to disk. On
 * the embedded engine one thread: a second one doubles the hash sets while the other core merges the batch
 * (issue 11 bounds an ingest to 512 MB); a server keeps its cores. Every name is a query setting a server knows.
 */
export function boundedMemory(): Record<string, number> {
  return {
    min_insert_block_size_rows: 262_144,
    min_insert_block_size_bytes: 32 << 20,
    max_bytes_before_external_group_by: 128 << 20,
    max_bytes_before_external_sort: 128 << 20,
    ...(isEmbedded() ? { max_threads: 1 } : {}),
  }
}

/**
 * Marks every session a run can change: the sessions of new requests (a new seed, or a new
 * action needing one) and of requests whose credential or claim now resolves differently (a
 * seed that names another identity). Rule 3 reaches no further: only seeds move inheritance.
 */
export async function markSessions(runId: string, since: SqlFragment): Promise<void> {
  const reads = (await reachedRequests(runId, since, false)).map(
    (filter) => sql`SELECT DISTINCT session_id FROM gateway_requests WHERE session_id != '' AND ${filter}`,
  )
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT DISTINCT ${runId}, 'session', session_id FROM (${joinSql(reads, ' UNION ALL ')})`,
    'sessions',
  )
}

/**
 * Re-attributes exactly the agent actions the run reaches (reachedRequests), with the rules of
 * the oracle (directCte, inheritedCte, attributionCte) over the stored IdP side of generation
 * `id`; a session's profile is built from all its requests, whatever their time.
 */
export async function reattributeReached(runId: string, id: number, since: SqlFragment): Promise<void> {
  const g = generation(id)
  const ctes = [
    storedCredentialSubjectsCte(g),
    ...storedClaimsCtes(g),
    storedCredentialRowsCte(g),
    storedTriggersCte(g),
    firstTriggersCte,
    cte('requests', joinSql((await reachedRequests(runId, since, true)).map(requestRows), ' UNION DISTINCT ')),
    sessionClaimsWhereCte(sql`session_id IN ${dirtyKeys(runId, 'session')}`),
    cte('pending_sessions', sql`SELECT key AS session_id FROM attribution_dirty WHERE run_id = ${runId} AND kind = 'session'`),
    sessionProfilesCte,
    directCte,
    inheritedCte,
    attributionCte,
  ]
  await run(
    sql`INSERT INTO attributed_actions (${ATTRIBUTION_COLUMNS}, version)
      ${withCtes(ctes)} SELECT ${ATTRIBUTION_COLUMNS}, ${newVersion} FROM attribution`,
    'reattribute',
    { ...INDEXED_FINAL, ...boundedMemory() },
  )
}

/**
 * For the identities whose first trigger moved (and whose actions nothing else re-attributed),
 * rewrites `after_deprovision` of their stored actions, reading the latest version of each. A
 * flag flips only between an identity's old and new first trigger (generations `previous` and
 * `id`), so the actions before the earliest of them are not read: a deactivation logged today
 * reads today's actions, not the month's.
 */
export async function refreshDeprovisionFlags(runId: string, previous: number, id: number): Promise<void> {
  const flag = sql`ifNull(ft.first_trigger < a.time, 0)`
  const earliest = sql`(SELECT min(time) FROM attribution_triggers
    WHERE generation IN (${generation(previous)}, ${generation(id)}) AND identity IN ${dirtyKeys(runId, 'identity')})`
  await run(
    sql`INSERT INTO attributed_actions (${ATTRIBUTION_COLUMNS}, version)
      ${withCtes([storedTriggersCte(generation(id)), firstTriggersCte])}
      SELECT a.event_id, a.time, a.server, a.tool, a.client_name, a.session_id, a.credential_id, a.credential_type,
        a.credential_explicit_expires, a.credential_issued_at, a.identity, a.method, a.reason, a.after_revocation,
        ${flag}, a.conflict, ${newVersion}
      FROM (SELECT * FROM attributed_actions FINAL WHERE time > ${earliest} AND identity IN ${dirtyKeys(runId, 'identity')}) AS a
      LEFT JOIN first_triggers AS ft ON ft.identity = a.identity
      WHERE a.after_deprovision != ${flag}`,
    'deprovision-flags',
  )
}

/**
 * `custody reattribute`: every agent action of `scope` attributed from scratch (the oracle,
 * reading every fact), stored as the newest version. Without a scope the table is emptied
 * first, so an action whose request is gone (a test's TRUNCATE) goes too.
 */
export async function reattributeFromScratch(scope: TimeWindow | null): Promise<void> {
  if (scope === null) await run(sql`TRUNCATE TABLE ${localTable('attributed_actions')}`, 'truncate')
  const window = scope ?? ALL_TIME
  // an IdP file loaded first: the statement would still build the whole IdP side's joins (~1 s per 120k facts) to attribute nothing
  if (!(await anyRequestIn(window))) return
  await run(
    sql`INSERT INTO attributed_actions (${ATTRIBUTION_COLUMNS}, version)
      ${withCtes(attributionCtesFromScratch(window))} SELECT ${ATTRIBUTION_COLUMNS}, ${newVersion} FROM attribution`,
    'from-scratch',
    boundedMemory(),
  )
}

async function anyRequestIn(window: TimeWindow): Promise<boolean> {
  const rows = await query<{ one: number }>(sql`SELECT 1 AS one FROM gateway_requests WHERE ${inWindow(sql`time`, window)} LIMIT 1`, {
    tag: 'attribution:any-request',
  })
  return rows.length > 0
}

/** Every time DateTime64(3) can hold. */
export const ALL_TIME: TimeWindow = { from: new Date('1970-01-01T00:00:00.000Z'), to: new Date('2299-12-31T00:00:00.000Z'), through: true }
