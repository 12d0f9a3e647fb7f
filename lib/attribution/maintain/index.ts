import { randomUUID } from 'node:crypto'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { inWindow, type TimeWindow } from '../inputs'
import { ALL_TIME, markSessions, reattributeFromScratch, reattributeReached, refreshDeprovisionFlags } from './actions'
import { buildIdpGenerationFrom, clearTouched } from './idp-increment'
import { buildIdpGeneration, dropGenerationsBefore, markIdpChanges, refreshPresentedCredentials } from './idp-side'
import { factsStoredSince, inputsNow, inputsUnchanged, marksOf, readState, storedSince, writeState, type AttributionState } from './state'
import { refreshHours, refreshRequestHours, truncateHours, versionNow } from './hours'
import { clearDirty } from './tables'

/** `idpSeconds`: of `seconds`, the time a run with new IdP facts spent building the next IdP generation and comparing it. */
export type MaintenanceOutcome = { kind: 'current' | 'incremental' | 'rebuilt'; gateway: boolean; idp: boolean; seconds: number; idpSeconds?: number }

/**
 * How a run with new IdP facts builds the next generation: from the previous one plus what the
 * new facts can change (the default), or whole from every fact, as a first run and `custody
 * reattribute` do (kept selectable: the tests compare the two, the benchmark times both).
 */
export type IdpGenerationMode = 'incremental' | 'full'

const state = globalThis as unknown as { __custodyAttribution?: Promise<unknown> }

/** One maintenance at a time per process: each run starts from the state the previous one wrote. */
function serialized<T>(work: () => Promise<T>): Promise<T> {
  const next = (state.__custodyAttribution ?? Promise.resolve()).catch(() => undefined).then(work)
  state.__custodyAttribution = next
  return next
}

/**
 * Brings the stored attribution up to what is stored now (lib/attribution/MAINTAINED.md). What
 * was stored since the last run is found from the inputs' ingested_at watermarks, so the one
 * call after each stored batch of the ingest pipeline, a reader's call before a report, a crash
 * between storing and maintaining, and rows written by another path all come to the same state.
 * - new IdP facts (any source, the key inventory): the next IdP generation is built from the
 *   current one, recomputing the keys the new facts can change (idp-increment.ts; or whole, with
 *   `idpGeneration: 'full'`), and compared with it there; the credentials, claims and first
 *   triggers that changed mark the actions to re-attribute;
 * - new gateway requests alone: the credential rows of the credentials they presented are
 *   recomputed (their gateway evidence may have moved); changed ones mark actions;
 * - then the sessions those requests belong to, and every agent action stored since, presenting
 *   a marked credential or claim, or in a marked session, is re-attributed by INSERT … SELECT;
 *   a moved first trigger rewrites its identity's `after_deprovision` flags.
 * Every row the last run covered gone from an input (a TRUNCATE), or no state yet: rebuilt
 * from scratch; fewer rows with nothing newer (a merge dropped duplicates): only the counts move.
 * Cheap when nothing arrived: two counts from part metadata and two max() over the granules at the watermarks (inputsUnchanged).
 */
export function maintainAttribution(options: { idpGeneration?: IdpGenerationMode } = {}): Promise<MaintenanceOutcome> {
  return serialized(async () => {
    const started = Date.now()
    const outcome = (kind: MaintenanceOutcome['kind'], gateway: boolean, idp: boolean) => ({ kind, gateway, idp, seconds: (Date.now() - started) / 1000 })
    const before = await readState()
    if (before !== null && (await inputsUnchanged(before))) return outcome('current', false, false)
    const now = await inputsNow(before)
    if (before === null || emptied(now.gateway_covered, before.gateway_rows) || emptied(now.idp_covered, before.idp_rows)) {
      await rebuild(null)
      return outcome('rebuilt', true, true)
    }
    const gateway = now.gateway_rows > before.gateway_rows || now.gateway_latest !== before.gateway_latest
    const idp = now.idp_rows > before.idp_rows || now.idp_latest !== before.idp_latest
    if (!gateway && !idp) {
      // fewer rows, nothing newer: a merge dropped duplicate copies; remember the counts, nothing to re-attribute
      await writeState({ ...before, ...marksOf(now) })
      return outcome('current', false, false)
    }
    const since = { requests: storedSince(before, now), facts: factsStoredSince(before, now) }
    const idpSeconds = await incremental(before, { ...before, ...marksOf(now) }, idp ? (options.idpGeneration ?? 'incremental') : null, since)
    return { ...outcome('incremental', gateway, idp), idpSeconds }
  })
}

/** What was stored since the last run: gateway requests and IdP facts, as conditions on ingested_at. */
type StoredSince = { requests: SqlFragment; facts: SqlFragment }

async function incremental(before: AttributionState, after: AttributionState, idp: IdpGenerationMode | null, stored: StoredSince): Promise<number> {
  const since = stored.requests
  const runId = randomUUID()
  const written = await versionNow()
  let idpSeconds = 0
  try {
    if (idp !== null) {
      const started = Date.now()
      after.idp_generation = nextGeneration(before.idp_generation)
      await nextIdpGeneration(runId, before.idp_generation, after.idp_generation, idp, stored)
      idpSeconds = (Date.now() - started) / 1000
    } else {
      await refreshPresentedCredentials(runId, before.idp_generation, since)
    }
    await markSessions(runId, since)
    await reattributeReached(runId, after.idp_generation, since)
    const flipped = idp !== null ? await versionNow() : undefined
    if (idp !== null) await refreshDeprovisionFlags(runId, before.idp_generation, after.idp_generation)
    await refreshHours(written, before.completed, flipped)
    await refreshRequestHours(since)
    await writeState(after)
  } finally {
    await clearDirty(runId)
  }
  if (idp !== null) await dropGenerationsBefore(before.idp_generation)
  return idpSeconds
}

/** Builds IdP generation `id` after `previous` and marks what changed between them. */
async function nextIdpGeneration(runId: string, previous: number, id: number, mode: IdpGenerationMode, stored: StoredSince): Promise<void> {
  if (mode === 'full') {
    await buildIdpGeneration(id)
    await markIdpChanges(runId, previous, id)
    return
  }
  try {
    const keys = await buildIdpGenerationFrom(runId, previous, id, stored.facts, stored.requests)
    await markIdpChanges(runId, previous, id, keys)
  } finally {
    await clearTouched(runId)
  }
}

/**
 * `custody reattribute`: the IdP side rebuilt from every fact, and the agent actions of `scope`
 * (every one when null) attributed from scratch with the oracle. A scope leaves the watermarks
 * where they were, so actions outside it are still caught up by the next maintenance.
 */
export function reattribute(scope: TimeWindow | null, onStep: (step: string) => void = () => {}): Promise<MaintenanceOutcome> {
  return serialized(async () => {
    const started = Date.now()
    await rebuild(scope, onStep)
    return { kind: 'rebuilt', gateway: true, idp: true, seconds: (Date.now() - started) / 1000 }
  })
}

async function rebuild(scope: TimeWindow | null, onStep: (step: string) => void = () => {}): Promise<void> {
  const before = await readState()
  const marks = marksOf(await inputsNow(before))
  const id = nextGeneration(before?.idp_generation ?? 0)
  onStep('IdP side: subjects, credentials, claims, triggers, identities from every fact')
  await buildIdpGeneration(id)
  onStep(scope === null || before === null ? 'every agent action, from scratch' : 'the agent actions of the period, from scratch')
  const whole = scope === null || before === null
  const written = await versionNow()
  await reattributeFromScratch(whole ? null : scope)
  onStep('actions per hour, from the actions written')
  if (whole) await truncateHours()
  await refreshHours(written)
  await refreshRequestHours(whole ? sql`1` : inWindow(sql`time`, scope))
  const watermarks = scope === null || before === null ? marks : before
  await writeState({ ...watermarks, idp_generation: id })
  if (before !== null) await dropGenerationsBefore(before.idp_generation)
  onStep('done')
}

/** How many agent actions the stored attribution holds in `scope` (all when null). */
export async function storedActionCount(scope: TimeWindow | null): Promise<number> {
  const rows = await query<{ actions: string | number }>(
    sql`SELECT count() AS actions FROM attributed_actions FINAL WHERE ${inWindow(sql`time`, scope ?? ALL_TIME)}`,
    { tag: 'attribution:count' },
  )
  return Number(rows[0].actions)
}

/**
 * Every row the last run covered is gone (a TRUNCATE): rebuild. Fewer but not none is a
 * ReplacingMergeTree merge dropping duplicate copies of the same request or fact: each keeps
 * its newest copy (the newest ingested_at, so the watermark stays), and what it says is what the
 * stored attribution already holds. Nothing in Custody deletes some input rows and keeps others.
 */
function emptied(coveredLeft: boolean, counted: number): boolean {
  return counted > 0 && !coveredLeft
}

/** Generations are ms timestamps, always above the previous one (two runs in one ms still differ). */
function nextGeneration(previous: number): number {
  return Math.max(Date.now(), previous + 1)
}

export { ALL_TIME }

const ready = globalThis as unknown as { __custodyAttributionCheck?: Promise<void> | null }

/**
 * Before reading attribution: the schema migrated and the stored attribution caught up with what
 * is stored. Callers that ask while a check is queued and not yet started share it: it starts
 * after they asked, so it sees everything stored before (an evidence pack's reports and
 * populations, asked at once, cost one check, not one each).
 */
export function attributionReady(): Promise<void> {
  if (ready.__custodyAttributionCheck) return ready.__custodyAttributionCheck
  const check = (async () => {
    try {
      await clickhouseReady()
    } finally {
      ready.__custodyAttributionCheck = null // from here on, what is stored may have moved: a later caller queues its own check
    }
    await maintainAttribution()
  })()
  ready.__custodyAttributionCheck = check
  return check
}
