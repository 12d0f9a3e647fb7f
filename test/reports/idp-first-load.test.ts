import { describe, expect, it, vi } from 'vitest'

// the tags of the statements the engine is asked to run
const statements = vi.hoisted((): string[] => [])
vi.mock('@/lib/trace', () => ({
  traceStatement: (_store: string, tag: string) => void statements.push(tag),
  traceStep: () => {},
}))

const { insert, query, sql } = await import('@/lib/clickhouse')
const { maintainAttribution, reattribute } = await import('@/lib/attribution')
const { at, grant, person, request } = await import('./builders')
const { emptyStore, useReportStore } = await import('./setup')

useReportStore('idp-first-load')

async function attributed(): Promise<Array<{ event_id: string; identity: string }>> {
  return query(sql`SELECT event_id, identity FROM attributed_actions FINAL ORDER BY event_id`, { tag: 'test' })
}

/** Runs `step` and answers whether it ran the from-scratch attribution of the agent actions. */
async function attributesFromScratch(step: () => Promise<unknown>): Promise<boolean> {
  statements.length = 0
  await step()
  return statements.includes('attribution:from-scratch')
}

describe('a first load of IdP facts alone (no agent action stored)', () => {
  it('builds the IdP side without the from-scratch attribution of actions, and later actions are attributed by it', { timeout: 120_000 }, async () => {
    await emptyStore()
    await insert('idp_events', [person('00uDANA', 'dana@example.com'), grant('tok-1', '00uDANA', at('10-01 08:00'))], { tag: 'test' })
    expect(await attributesFromScratch(() => maintainAttribution())).toBe(false)
    expect(await attributed()).toEqual([])

    await insert('gateway_requests', [request({ time: at('10-01 09:00'), event_id: 'req-a', credential_id: 'tok-1' })], { tag: 'test' })
    await maintainAttribution()
    expect(await attributed()).toEqual([{ event_id: 'req-a', identity: 'dana@example.com' }])

    // with actions stored, a rebuild attributes them from scratch; a period holding none is left as it is
    expect(await attributesFromScratch(() => reattribute(null))).toBe(true)
    const october = { from: new Date(at('10-01 00:00')), to: new Date(at('10-31 00:00')), through: true }
    const november = { from: new Date(at('11-01 00:00')), to: new Date(at('11-30 00:00')), through: true }
    expect(await attributesFromScratch(() => reattribute(november))).toBe(false)
    expect(await attributesFromScratch(() => reattribute(october))).toBe(true)
    expect(await attributed()).toEqual([{ event_id: 'req-a', identity: 'dana@example.com' }])
  })
})
