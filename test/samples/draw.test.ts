import fs from 'node:fs'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { auditEvents } from '@/db/schema'
import { AccessDenied, cliActor, type UserActor } from '@/lib/auth/actor'
import { ingest } from '@/lib/ingest/pipeline'
import { allActions } from '@/lib/populations/actions'
import { allCredentials } from '@/lib/populations/credentials'
import { csvStream } from '@/lib/populations/csv'
import { reportList } from '@/lib/populations/report-lists'
import { allTriggers } from '@/lib/populations/triggers'
import { attributionReport } from '@/lib/reports/attribution'
import { revocationLatencyReport } from '@/lib/reports/revocation-latency'
import { tokenAgeReport } from '@/lib/reports/token-age'
import { unattributedReport } from '@/lib/reports/unattributed'
import { drawSample, recordedSamples, recordSample, SAMPLE_POPULATIONS, type SamplePopulation } from '@/lib/samples'
import { SAMPLED } from '@/lib/samples/populations'
import { gatewaySource } from '@/lib/sources/gateway'
import { oktaSource } from '@/lib/sources/okta'
import { at, grant, person, request, store, trigger } from '../reports/builders'
import { period, useReportStore } from '../reports/setup'

useReportStore('samples')
afterAll(closeAppStore)

// The e2e fixtures through the real parsers, and a departure with actions after it (post-trigger actions).
const fixture = (file: string) => ({ name: file, open: () => Readable.from([fs.readFileSync(file)]) })
const now = new Date('2026-12-06T00:00:00.000Z')
const year = period('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', now.toISOString())
const from = year.from
const to = year.to

beforeAll(async () => {
  await ingest(oktaSource, [fixture('test/fixtures/e2e/okta.ndjson')])
  await ingest(gatewaySource, [fixture('test/fixtures/e2e/gateway.ndjson')])
  await store({
    facts: [person('00uRIO', 'rio@example.com'), grant('AT.rio', '00uRIO', at('10-01 09:00')), trigger('00uRIO', at('10-01 12:00'))],
    requests: ['10-01 10:00', '10-01 12:30', '10-01 13:00', '10-02 08:00', '10-03 09:00'].map((t) => request({ time: at(t), credential_id: 'AT.rio' })),
  })
}, 300_000)

const draw = (population: SamplePopulation, size: number, seed: string) => drawSample(cliActor, { population, from, to, size, seed, asOf: now })

/** The population's CSV, as the dashboard downloads it, one line per row (header dropped). */
async function populationCsv(population: SamplePopulation): Promise<string[]> {
  const p = SAMPLED[population].population
  const rows: AsyncIterable<object> | object[] =
    population === 'actions' ? await allActions(cliActor, year, {})
    : population === 'unattributed-actions' ? await allActions(cliActor, year, { reason: 'unattributed' })
    : population === 'credentials' ? await allCredentials(cliActor, year, {})
    : population === 'triggers' ? await allTriggers(cliActor, year, {}, now)
    : population === 'identities' ? (await reportList(cliActor, 'identities', year)).rows
    : []
  return csvLines(p.columns, rows)
}

async function csvLines(columns: readonly string[], rows: AsyncIterable<object> | object[]): Promise<string[]> {
  const body = await text(Readable.fromWeb(csvStream(columns, Readable.from(rows)) as never))
  return body.split('\r\n').slice(1).filter((l) => l !== '')
}

describe('samples', () => {
  it('count each population as its report does', async () => {
    const [u, t, r, a] = await Promise.all([unattributedReport(year), tokenAgeReport(year), revocationLatencyReport(year), attributionReport(year)])
    const expected: Record<SamplePopulation, number> = {
      actions: u.total_actions,
      credentials: t.credentials,
      triggers: r.triggers,
      identities: a.identities.length,
      'unattributed-actions': u.unattributed_actions,
      'post-trigger-actions': r.post_trigger_actions,
    }
    const counted: Record<string, number> = {}
    for (const p of SAMPLE_POPULATIONS) counted[p] = (await draw(p, 1, 'count')).population_size
    expect(counted).toEqual(expected)
    // rio's four actions after her trigger, up to generated_at
    expect(expected['post-trigger-actions']).toBeGreaterThanOrEqual(4)
    for (const p of SAMPLE_POPULATIONS) expect(counted[p], p).toBeGreaterThan(0)
  }, 300_000)

  it('give the whole population, as its CSV rows, when the size is larger than it', async () => {
    for (const p of SAMPLE_POPULATIONS.filter((p) => p !== 'post-trigger-actions')) {
      const sample = await draw(p, 100_000, 'everything')
      expect(sample.items.length, p).toBe(sample.population_size)
      expect(Object.keys(sample.items[0]), p).toEqual([...SAMPLED[p].population.columns])
      const drawn = await csvLines(SAMPLED[p].population.columns, sample.items)
      expect(drawn.toSorted(), p).toEqual((await populationCsv(p)).toSorted())
    }
    const after = await draw('post-trigger-actions', 100_000, 'everything')
    expect(after.items.filter((i) => i.identity === 'rio@example.com').map((i) => i.time).toSorted()).toEqual(
      ['10-01 12:30', '10-01 13:00', '10-02 08:00', '10-03 09:00'].map(at),
    )
  }, 300_000)

  it('draw the same items in the same order for the same seed, another order for another seed', async () => {
    const first = await draw('actions', 5, 'audit-2026-q4')
    const again = await draw('actions', 5, 'audit-2026-q4')
    expect(again).toEqual(first)
    expect(first).toMatchObject({ population: 'actions', from: from.toISOString(), to: to.toISOString(), seed: 'audit-2026-q4', size: 5 })
    expect(first.items).toHaveLength(5)
    const whole = (seed: string) => draw('actions', 100, seed).then((s) => s.items.map((i) => i.event_id))
    const [a, b] = [await whole('audit-2026-q4'), await whole('another seed')]
    expect(a.slice(0, 5)).toEqual(first.items.map((i) => i.event_id))
    expect(b.toSorted()).toEqual(a.toSorted())
    expect(b).not.toEqual(a)
  }, 300_000)

  it('record a sample drawn from the dashboard with who drew it and when, and list it for the period', async () => {
    const db = await openAppStore()
    const drawnAt = new Date('2026-12-05T10:00:00.000Z')
    const recorded = await recordSample(cliActor, { population: 'credentials', from, to, size: 2, seed: 'q4-review' }, drawnAt)
    expect(recorded.sample).toEqual(await drawSample(cliActor, { population: 'credentials', from, to, size: 2, seed: 'q4-review', asOf: drawnAt }))
    expect(recorded.keys).toEqual(recorded.sample.items.map((i) => ({ issued_at: i.issued_at, credential_id: i.credential_id })))
    const listed = await recordedSamples(cliActor, { from, to })
    expect(listed).toEqual([{ ...recorded, drawnBy: 'system:cli' }])
    expect(await recordedSamples(cliActor, { from, to, through: new Date('2026-12-05T09:59:59.999Z') })).toEqual([])
    expect(await recordedSamples(cliActor, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') })).toEqual([])
    const [audit] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'sample_draw')).orderBy(desc(auditEvents.id)).limit(1)
    expect(audit).toMatchObject({ actor: 'system:cli', target: 'credentials', detail: { sample: recorded.id, seed: 'q4-review', size: 2 } })
  }, 300_000)

  it('refuse to record a sample for an auditor, who may still draw one', async () => {
    const auditor: UserActor = { kind: 'user', id: 'u-1', email: 'aud@example.com', role: 'auditor', sessionId: 's', origin: { ip: null, userAgent: null } }
    await expect(recordSample(auditor, { population: 'actions', from, to, size: 1, seed: 'x' })).rejects.toBeInstanceOf(AccessDenied)
    expect((await drawSample(auditor, { population: 'actions', from, to, size: 1, seed: 'x' })).items).toHaveLength(1)
  }, 300_000)
})
