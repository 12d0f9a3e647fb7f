import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { command, insert, query, sql } from '@/lib/clickhouse'
import {
  actionGroupsCtes,
  attributedActionCtes,
  attributedActionCtesFromScratch,
  cte,
  maintainAttribution,
  reattribute,
  withCtes,
  type TimeWindow,
} from '@/lib/attribution'
import { groupedActions } from '@/lib/attribution/hours'
import { ALL_TIME } from '@/lib/attribution/maintain'
import { DEFAULT_THRESHOLDS, REPORT_NAMES, REPORTS } from '@/lib/reports'
import { offGatewayGrantCtes, offGatewayGrantCtesFromScratch } from '@/lib/reports/off-gateway'
import type { GatewayRequestRow, IdpFactRow } from '@/lib/sources/types'
import { at, fact, grant, person, request, revocation, service, trigger } from './builders'
import { currentAndFromScratch } from './maintained-idp'
import { mixedDay } from './scenario'
import { emptyStore, period, useReportStore } from './setup'
import { storeProperty } from '../store-property'

useReportStore('maintained-attribution')

type Row = { table: 'gateway_requests'; row: GatewayRequestRow } | { table: 'idp_events'; row: IdpFactRow }
const LIFETIME = DEFAULT_THRESHOLDS.default_token_lifetime_seconds
const days = period(at('10-01 00:00'), at('10-02 00:00'), at('10-03 00:00'))

/** Every action's attribution and flags, as the stored state or the oracle gives it. */
async function actionKeys(fromScratch: boolean): Promise<unknown[]> {
  const ctes = fromScratch ? attributedActionCtesFromScratch(ALL_TIME, LIFETIME) : attributedActionCtes(ALL_TIME, LIFETIME)
  return query(
    sql`${withCtes(ctes)}
      SELECT event_id, identity, method, reason, credential_type, after_expiry, after_revocation, after_deprovision, conflict
      FROM actions ORDER BY event_id`,
    { tag: 'test', settings: { enable_materialized_cte: 1 } },
  )
}

/**
 * The agent actions of `window` grouped as every report reads them (per identity, server,
 * client, method and reason: the tallies, the distinct tools and unissued credentials, first
 * and last): through the hourly rollup and its edge hours, or from scratch (the oracle).
 */
async function actionGroups(window: TimeWindow, fromScratch: boolean): Promise<unknown[]> {
  const ctes = fromScratch
    ? [...attributedActionCtesFromScratch(window, LIFETIME), cte('action_groups', groupedActions(sql``))]
    : actionGroupsCtes(window, LIFETIME)
  return query(
    sql`${withCtes(ctes)}
      SELECT identity, server, client_name, method, reason, sum(actions) AS actions, sum(after_expiry) AS after_expiry,
        sum(after_revocation) AS after_revocation, sum(after_deprovision) AS after_deprovision, sum(conflict) AS conflict,
        arraySort(groupUniqArrayArray(tools)) AS tools, arraySort(groupUniqArrayArray(unissued)) AS unissued,
        min(first_action) AS first_action, max(last_action) AS last_action
      FROM action_groups GROUP BY identity, server, client_name, method, reason
      HAVING actions > 0 ORDER BY identity, server, client_name, method, reason`,
    { tag: 'test', settings: { enable_materialized_cte: 1, output_format_json_quote_64bit_integers: 0 } },
  )
}

/** Coverage's gateway sources in `window`: through request_hours and its edge hours, and the oracle (every request, FINAL). */
async function gatewayCoverage(window: { from: Date; to: Date }): Promise<[unknown[], unknown[]]> {
  const report = await REPORTS.coverage({ ...window, thresholds: DEFAULT_THRESHOLDS })
  const oracle = await query<{ source: string; events: number; first_event: string; last_event: string }>(
    sql`SELECT toString(source) AS source, count() AS events, min(time) AS first_event, max(time) AS last_event
      FROM gateway_requests FINAL WHERE time >= ${window.from} AND time < ${window.to} GROUP BY source ORDER BY source`,
    { tag: 'test', settings: { output_format_json_quote_64bit_integers: 0 } },
  )
  const names = new Set(oracle.map((o) => o.source))
  const asIso = (t: string) => new Date(t.endsWith('Z') ? t : `${t}Z`).toISOString()
  return [
    report.sources.filter((s) => names.has(s.source)).map((s) => [s.source, s.events, s.first_event, s.last_event]),
    oracle.map((o) => [o.source, o.events, asIso(o.first_event), asIso(o.last_event)]),
  ]
}

/** Off-gateway's grants in `window`: through the stored credential set, or from every fact and request (the oracle). */
async function offGatewayGrants(window: TimeWindow, fromScratch: boolean): Promise<unknown[]> {
  const ctes = fromScratch ? offGatewayGrantCtesFromScratch(window) : offGatewayGrantCtes(window)
  return query(
    sql`${withCtes(ctes)}
      SELECT credential_id, client, toString(issued) AS issued, toString(source) AS source, subject_id FROM off_gateway_grants ORDER BY credential_id`,
    { tag: 'test', settings: { enable_materialized_cte: 1 } },
  )
}

async function allReports(): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {}
  for (const name of REPORT_NAMES) answers[name] = await REPORTS[name](days)
  return answers
}

/** Stores each batch, then maintains attribution, as the ingest pipeline does after every stored batch. */
async function deliver(batches: Row[][]): Promise<void> {
  for (const batch of batches) {
    await insert('gateway_requests', batch.flatMap((r) => (r.table === 'gateway_requests' ? [r.row] : [])), { tag: 'test' })
    await insert('idp_events', batch.flatMap((r) => (r.table === 'idp_events' ? [r.row] : [])), { tag: 'test' })
    await maintainAttribution()
  }
}

function split<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b)
  const batches: T[][] = []
  let start = 0
  for (const point of [...points, items.length]) {
    if (point > start) batches.push(items.slice(start, point))
    start = Math.max(start, point)
  }
  return batches
}

/**
 * The maintained state after `arriving` in `cuts` batches equals the oracle, action by action;
 * so do the action groups and coverage the reports read through the hourly rollups, for each
 * of `windows` (bounds at any millisecond); and so do the reports after a rebuild from scratch.
 */
async function maintainedEqualsOracle(rows: Row[], order: number[], cuts: number[], repeated: number[], windows: TimeWindow[] = []): Promise<void> {
  await emptyStore()
  await deliver(split([...order, ...repeated].map((i) => rows[i]), cuts))
  const maintained = await actionKeys(false)
  expect(maintained).toEqual(await actionKeys(true))
  const { current, fromScratch } = await currentAndFromScratch() // the IdP side built from the previous generation, batch after batch
  expect(current).toEqual(fromScratch)
  for (const window of [days, ...windows]) {
    expect(await offGatewayGrants(window, false)).toEqual(await offGatewayGrants(window, true))
  }
  for (const window of windows) {
    expect(await actionGroups(window, false)).toEqual(await actionGroups(window, true))
    const [coverage, oracle] = await gatewayCoverage(window)
    expect(coverage).toEqual(oracle)
  }
  const reports = await allReports()
  await reattribute(null)
  expect(reports).toEqual(await allReports())
}

const okta = ['00uA', '00uB', '00uC']
const emails = ['a@example.com', 'B@Example.com', 'c@example.com']
const credentials = ['AT.1', 'AT.2', 'AT.3', 'AT.4', 'sha256:k1']
const sessions = ['', 'S1', 'S2', 'S3']
/** OAuth clients: a grant's, a token's as the gateway logs it (off-gateway's agent clients). */
const clients = ['', '0oaCLI', '0oaBOT']
/** A time of the two days, on a 15-minute grid so ties happen. */
const time = fc.integer({ min: 0, max: 2 * 96 }).map((q) => new Date(Date.parse(at('09-30 12:00')) + q * 900_000).toISOString())

const factArbitrary: fc.Arbitrary<IdpFactRow> = fc.oneof(
  fc.record({ s: fc.constantFrom(...okta), e: fc.constantFrom('', ...emails), t: time }).map(({ s, e, t }) =>
    person(s, e, { time: t, login: e === '' ? `${s}.login` : e }),
  ),
  fc.record({ e: fc.constantFrom(...emails), t: time }).map(({ e, t }) => person('guid-1', e, { source: 'entra', time: t })),
  fc.record({ t: time, owner: fc.constantFrom('', ...okta) }).map(({ t, owner }) => service('0oaBOT', 'Bot', { time: t, owner })),
  fc
    .record({
      c: fc.constantFrom(...credentials),
      s: fc.constantFrom(...okta, '0oaBOT'),
      t: time,
      exp: fc.option(time, { nil: null }),
      client: fc.constantFrom(...clients),
      issued: fc.option(time, { nil: null }),
    })
    .map(({ c, s, t, exp, client, issued }) =>
      grant(c, s, t, { expires_at: exp, subject_kind: s === '0oaBOT' ? 'service' : 'person', client_id: client, issued_at: issued }),
    ),
  fc.record({ c: fc.constantFrom(...credentials), t: time }).map(({ c, t }) => revocation(c, t)),
  fc.record({ s: fc.constantFrom(...okta), t: time }).map(({ s, t }) =>
    fact({ kind: 'subject_revocation', time: t, subject_kind: 'person', subject_id: s }),
  ),
  fc.record({ s: fc.constantFrom(...okta, 'guid-1'), t: time }).map(({ s, t }) => trigger(s, t, s === 'guid-1' ? { source: 'entra' } : {})),
)

const requestArbitrary: fc.Arbitrary<GatewayRequestRow> = fc
  .record({
    t: time,
    session: fc.constantFrom(...sessions),
    credential: fc.constantFrom('', '', ...credentials, 'AT.ghost'),
    sub: fc.constantFrom('', '', ...okta, '0oaBOT', 'guid-1'),
    user: fc.constantFrom('', '', ...emails, '00uA.login', 'nobody@else.test'),
    method: fc.constantFrom('tools/call', 'tools/call', 'initialize'),
    outcome: fc.constantFrom('ok', 'ok', 'error', 'denied'),
    iat: fc.option(time, { nil: null }),
    client: fc.constantFrom('', '', ...clients),
  })
  .map(({ t, session, credential, sub, user, method, outcome, iat, client }) =>
    request({
      time: t,
      session_id: session,
      credential_id: credential,
      jwt_sub: sub,
      user_claim: user,
      method,
      outcome: outcome as 'ok',
      token_iat: iat,
      jwt_client_id: client,
    }),
  )

function asRows(facts: IdpFactRow[], requests: GatewayRequestRow[]): Row[] {
  return [...facts.map((row) => ({ table: 'idp_events' as const, row })), ...requests.map((row) => ({ table: 'gateway_requests' as const, row }))]
}

/**
 * Periods of the scenarios' days with bounds at any millisecond near the 15-minute grid the
 * actions sit on (so a bound cuts an hour that has actions), from a few minutes to two days:
 * the rollup's whole hours and its edge hours both count.
 */
const GRID_MS = 900_000
const windowArbitrary: fc.Arbitrary<TimeWindow> = fc
  .tuple(fc.integer({ min: 0, max: 2 * 96 }), fc.integer({ min: 0, max: 2 * 96 }), fc.integer({ min: 1 - GRID_MS, max: GRID_MS - 1 }), fc.integer({ min: 1 - GRID_MS, max: GRID_MS - 1 }))
  .map(([a, b, da, db]) => {
    const origin = Date.parse(at('09-30 12:00'))
    const [from, to] = [origin + a * GRID_MS + da, origin + b * GRID_MS + db].sort((x, y) => x - y)
    return { from: new Date(from), to: new Date(Math.max(to, from + 1)) }
  })

/** Random arrival: an order of every row, batch cuts, and rows delivered twice. */
function arrivals(size: number) {
  const indices = Array.from({ length: size }, (_, i) => i)
  return fc.tuple(
    fc.shuffledSubarray(indices, { minLength: size, maxLength: size }),
    fc.array(fc.nat(), { maxLength: 6 }),
    fc.subarray(indices, { maxLength: Math.min(4, size) }),
  )
}

describe('maintained attribution', () => {
  it('equals the from-scratch oracle for every action, and the reports equal, after any order, batches and repeats of a mixed day', { timeout: 600_000 }, async ({ task }) => {
    const scenario = mixedDay()
    const rows = asRows(scenario.facts, scenario.requests)
    await fc.assert(
      fc.asyncProperty(arrivals(rows.length), fc.array(windowArbitrary, { minLength: 1, maxLength: 3 }), ([order, cuts, repeated], windows) =>
        maintainedEqualsOracle(rows, order, cuts, repeated, windows),
      ),
      storeProperty(6, task),
    )
    // the scenario reaches every rule: the comparison is not between two empty answers
    const methods = new Set((await actionKeys(false)).map((a) => (a as { method: string }).method))
    expect([...methods].sort()).toEqual(['', 'credential', 'session', 'subject_claim'])
    expect(await offGatewayGrants(days, false)).not.toEqual([])
  })

  it('equals the from-scratch oracle for random facts and actions, in random orders, batches and repeats', { timeout: 600_000 }, async ({ task }) => {
    const scenarios = fc
      .tuple(fc.array(factArbitrary, { minLength: 1, maxLength: 12 }), fc.array(requestArbitrary, { minLength: 1, maxLength: 16 }))
      .map(([facts, requests]) => asRows(facts, requests))
      .chain((rows) => fc.tuple(fc.constant(rows), arrivals(rows.length), fc.array(windowArbitrary, { minLength: 1, maxLength: 3 })))
    await fc.assert(
      fc.asyncProperty(scenarios, ([rows, [order, cuts, repeated], windows]) => maintainedEqualsOracle(rows, order, cuts, repeated, windows)),
      storeProperty(12, task),
    )
  })

  it('changes an earlier action once a late IdP batch explains it, re-attributing only what that batch reaches', { timeout: 120_000 }, async () => {
    await emptyStore()
    const early = request({ time: at('10-01 09:00'), credential_id: 'AT.late', session_id: 'S-late' })
    const inherits = request({ time: at('10-01 09:05'), session_id: 'S-late' })
    const elsewhere = request({ time: at('10-01 09:10'), credential_id: 'AT.other' })
    await deliver([[...asRows([], [early, inherits, elsewhere])]])
    const before = await query<{ event_id: string; identity: string; version: string }>(
      sql`SELECT event_id, identity, toString(version) AS version FROM attributed_actions FINAL ORDER BY event_id`,
      { tag: 'test' },
    )
    expect(before.map((a) => a.identity)).toEqual(['', '', ''])
    expect((await REPORTS.unattributed(days)).unattributed_actions).toBe(3)

    await deliver([asRows([person('00uLATE', 'late@example.com'), grant('AT.late', '00uLATE', at('10-01 08:00'))], [])])
    const after = await query<{ event_id: string; identity: string; method: string; version: string }>(
      sql`SELECT event_id, identity, method, toString(version) AS version FROM attributed_actions FINAL ORDER BY event_id`,
      { tag: 'test' },
    )
    expect(after.map((a) => [a.event_id, a.identity, a.method])).toEqual([
      [early.event_id, 'late@example.com', 'credential'],
      [inherits.event_id, 'late@example.com', 'session'],
      [elsewhere.event_id, '', ''],
    ])
    // the action the late batch cannot reach kept its stored version: it was not re-attributed
    expect(after[2].version).toBe(before[2].version)
    expect(after[0].version).not.toBe(before[0].version)
    const report = await REPORTS.unattributed(days)
    expect([report.unattributed_actions, report.by_method.credential, report.by_method.session]).toEqual([1, 1, 1])
  })

  it('keeps off-gateway current as a grant, then a gateway batch presenting it, then a late earlier grant arrive', { timeout: 120_000 }, async () => {
    await emptyStore()
    const clients = async () => (await REPORTS['off-gateway'](days)).clients.map((c) => [c.client, c.grants, c.last_grant])
    await deliver([asRows([grant('AT.og', '00uA', at('10-01 09:00'), { client_id: '0oaCLI' })], [request({ time: at('10-01 08:00'), jwt_client_id: '0oaCLI' })])])
    expect(await clients()).toEqual([['0oaCLI', 1, at('10-01 09:00')]])

    // the gateway presents it later: no longer off the gateway
    await deliver([asRows([], [request({ time: at('10-01 12:00'), credential_id: 'AT.og', outcome: 'denied' })])])
    expect(await clients()).toEqual([])

    // a late grant of another credential, issued before the last one, to the same client
    await deliver([asRows([grant('AT.og2', '00uA', at('10-01 07:00'), { client_id: '0oaCLI' })], [])])
    expect(await clients()).toEqual([['0oaCLI', 1, at('10-01 07:00')]])
    expect(await offGatewayGrants(days, false)).toEqual(await offGatewayGrants(days, true))
  })

  it('keeps its state when a background merge drops duplicate copies, and rebuilds after the inputs are truncated', { timeout: 300_000 }, async () => {
    await emptyStore()
    const scenario = mixedDay()
    const rows = asRows(scenario.facts, scenario.requests)
    await deliver([rows, rows]) // delivered twice: every request and fact is stored as two copies until a merge
    const reports = await allReports()
    const copies = async () => query<{ gateway: number; idp: number }>(
      sql`SELECT (SELECT count() FROM gateway_requests) AS gateway, (SELECT count() FROM idp_events) AS idp`,
      { tag: 'test', settings: { output_format_json_quote_64bit_integers: 0 } },
    )
    const [stored] = await copies()
    await command(sql`OPTIMIZE TABLE gateway_requests FINAL`, { tag: 'test' })
    await command(sql`OPTIMIZE TABLE idp_events FINAL`, { tag: 'test' })
    const [merged] = await copies()
    expect([merged.gateway, merged.idp]).toEqual([stored.gateway / 2, stored.idp / 2])

    expect((await maintainAttribution()).kind).toBe('current')
    expect(await allReports()).toEqual(reports)
    expect(await actionKeys(false)).toEqual(await actionKeys(true))
    expect((await maintainAttribution()).kind).toBe('current')

    await command(sql`TRUNCATE TABLE gateway_requests`, { tag: 'test' })
    expect((await maintainAttribution()).kind).toBe('rebuilt')
    expect((await REPORTS.unattributed(days)).total_actions).toBe(0)
  })

  it('rebuilds the hourly rollups with `custody reattribute`, with or without a period', { timeout: 300_000 }, async () => {
    await emptyStore()
    const scenario = mixedDay()
    await deliver([asRows(scenario.facts, scenario.requests)])
    const reports = await allReports()
    expect((reports.unattributed as { total_actions: number }).total_actions).toBeGreaterThan(0)
    const loseRollups = async () => {
      await command(sql`TRUNCATE TABLE attributed_hours`, { tag: 'test' })
      await command(sql`TRUNCATE TABLE request_hours`, { tag: 'test' })
    }
    await loseRollups()
    // the reports read the rollups: without them the period's whole hours are missing
    expect(await allReports()).not.toEqual(reports)
    await reattribute(null)
    expect(await allReports()).toEqual(reports)
    // a period rebuilds the hours its actions fall in: here every hour the reports read (revocation-latency's reach to generated_at)
    await loseRollups()
    await reattribute({ from: days.from, to: days.now ?? days.to, through: true })
    expect(await allReports()).toEqual(reports)
  })
})
