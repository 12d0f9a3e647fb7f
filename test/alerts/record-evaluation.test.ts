import { asc, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore, type AppStore } from '@/db'
import { alertEvents, alerts } from '@/db/schema'
import type { Breach } from '@/lib/alerts/breaches'
import type { RuleId } from '@/lib/alerts/rules'
import { recordEvaluation } from '@/lib/alerts/state'
import { pgliteBackend } from '../store/backends'

const backend = pgliteBackend()
let db: AppStore
beforeAll(async () => {
  await backend.reset()
  db = await openAppStore(backend.config())
})
afterAll(async () => {
  await closeAppStore()
  backend.dispose()
})
beforeEach(async () => {
  await db.delete(alertEvents)
  await db.delete(alerts)
})

// more open alerts than one statement writes (a tenant's keys over their maximum age), so chunks meet
const KEYS = 2345
const since = new Date('2026-10-01T00:00:00Z')
const keyBreach = (i: number, value: number): Breach => ({ subject: `key-${i}`, value, threshold: 90, since, link: `/credentials?credential=key-${i}&v=${value}` })
const evaluation = (tokens: Breach[], silent: Breach[] = []): Record<RuleId, Breach[]> =>
  ({ token_over_max_age: tokens, source_silent: silent }) as Record<RuleId, Breach[]>
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)

async function storedAlerts() {
  return db.select().from(alerts).orderBy(asc(alerts.subject), asc(alerts.openedAt))
}

describe('recordEvaluation over thousands of breaches', () => {
  it('opens one firing alert and one fired event per breach, answered in the order found', async () => {
    const first = new Date('2026-11-01T00:00:00Z')
    const changes = await recordEvaluation(db, evaluation(range(0, KEYS).map((i) => keyBreach(i, 100 + i))), first, 'one')
    expect(changes.fired.map((a) => a.subject)).toEqual(range(0, KEYS).map((i) => `key-${i}`))
    expect(changes.resolved).toEqual([])
    const stored = await storedAlerts()
    expect(stored).toHaveLength(KEYS)
    expect(stored.find((a) => a.subject === 'key-1500')).toMatchObject({ state: 'firing', value: 1600, threshold: 90, since, openedAt: first, evaluatedAt: first })
    const events = await db.select().from(alertEvents)
    expect(events).toHaveLength(KEYS)
    expect(new Set(events.map((e) => e.alertId))).toEqual(new Set(stored.map((a) => a.id)))
    expect(events.every((e) => e.change === 'fired' && e.actor === 'custody:evaluation')).toBe(true)
  })

  it('updates the alerts still breached in place, resolves the others, fires the new ones, and re-fires a resolved one', async () => {
    const first = new Date('2026-11-01T00:00:00Z')
    const second = new Date('2026-11-02T00:00:00Z')
    const third = new Date('2026-11-03T00:00:00Z')
    await recordEvaluation(db, evaluation(range(0, KEYS).map((i) => keyBreach(i, 100 + i))), first, 'one')
    const [acked] = await db.update(alerts).set({ state: 'acknowledged', acknowledgedBy: 'sec@example.com' }).where(eq(alerts.subject, 'key-7')).returning()

    // keys 0–1999 still over their age (older now), 2000–2344 revoked, one new source silent
    const silent: Breach = { subject: 'okta', value: 45, threshold: 30, since: second, link: '/sources?source=okta' }
    const changes = await recordEvaluation(db, evaluation(range(0, 2000).map((i) => keyBreach(i, 200 + i)), [silent]), second, 'two')
    expect(changes.fired.map((a) => a.subject)).toEqual(['okta'])
    expect(changes.resolved.map((a) => a.subject).sort()).toEqual(range(2000, KEYS).map((i) => `key-${i}`).sort())
    const stored = await storedAlerts()
    expect(stored).toHaveLength(KEYS + 1)
    expect(stored.find((a) => a.subject === 'key-1999')).toMatchObject({ state: 'firing', value: 2199, link: '/credentials?credential=key-1999&v=2199', since, openedAt: first, evaluatedAt: second })
    expect(stored.find((a) => a.id === acked.id)).toMatchObject({ state: 'acknowledged', value: 207, acknowledgedBy: 'sec@example.com', evaluatedAt: second })
    expect(stored.find((a) => a.subject === 'key-2000')).toMatchObject({ state: 'resolved', value: 2100, resolvedAt: second })
    const resolvedEvents = await db.select().from(alertEvents).where(eq(alertEvents.change, 'resolved'))
    expect(resolvedEvents).toHaveLength(KEYS - 2000)

    // key-2000 breaks the rule again: a new alert, the resolved one kept as history
    const again = await recordEvaluation(db, evaluation([...range(0, 2000), 2000].map((i) => keyBreach(i, 300 + i)), [silent]), third, 'three')
    expect(again.fired).toEqual([expect.objectContaining({ subject: 'key-2000', state: 'firing', value: 2300 })])
    expect(again.resolved).toEqual([])
    const key2000 = (await storedAlerts()).filter((a) => a.subject === 'key-2000')
    expect(key2000.map((a) => a.state)).toEqual(['resolved', 'firing'])
  })

  it("keeps the alerts table near its live size over many evaluations: PGlite runs no autovacuum, so the store vacuums what each one rewrote", async () => {
    const breaches = (round: number) => evaluation(range(0, KEYS).map((i) => keyBreach(i, 100 + i + round)))
    const heapBytes = async () => Number((await db.execute<{ bytes: string }>(sql`SELECT pg_relation_size('alerts') AS bytes`)).rows[0].bytes)
    await recordEvaluation(db, breaches(0), new Date('2026-11-01T00:00:00Z'), 'round 0')
    await recordEvaluation(db, breaches(1), new Date('2026-11-01T00:01:00Z'), 'round 1')
    const afterTwo = await heapBytes()
    for (let round = 2; round < 22; round++) await recordEvaluation(db, breaches(round), new Date(Date.UTC(2026, 10, 1, 0, round)), `round ${round}`)
    expect(await storedAlerts()).toHaveLength(KEYS)
    // every round rewrote all KEYS rows: unvacuumed, the heap would hold 22 versions of each (~11× afterTwo)
    expect(await heapBytes()).toBeLessThanOrEqual(afterTwo * 1.5)
  })
})
