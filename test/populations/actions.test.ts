import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { actionsPage, allActions, parseActionQuery, type ActionRow } from '@/lib/populations/actions'
import { InvalidParameter } from '@/lib/reports/period'
import { attributionReport } from '@/lib/reports/attribution'
import { unattributedReport } from '@/lib/reports/unattributed'
import { at, store, twice } from '../reports/builders'
import { mixedDay } from '../reports/scenario'
import { period, useReportStore } from '../reports/setup'
import { actionFilterExpectations } from './report-keys'

useReportStore('actions-population')
afterAll(closeAppStore)

const day = period(at('10-01 00:00'), at('10-02 00:00'))
const window = { from: day.from, to: day.to }

beforeAll(async () => {
  const { facts, requests } = mixedDay()
  // copies of stored lines and facts must not show up as rows
  await store({ facts: twice(facts, (f) => f.kind === 'trigger'), requests: twice(requests, (r) => r.session_id === 'S1') })
})

async function everyRow(filters = {}, per = 500): Promise<ActionRow[]> {
  const rows: ActionRow[] = []
  let after: string | undefined
  do {
    const page = await actionsPage(cliActor, window, filters, { after, per })
    rows.push(...page.rows)
    after = page.next ?? undefined
  } while (after)
  return rows
}

describe('the actions population', () => {
  it('counts, for every filter, the number the unattributed and attribution reports give', async () => {
    const expected = actionFilterExpectations(await unattributedReport(day), await attributionReport(day))
    expect(expected.length).toBeGreaterThan(40)
    const counted = []
    for (const c of expected) counted.push({ key: c.key, count: (await actionsPage(cliActor, window, c.filters, { per: 1 })).total })
    expect(counted).toEqual(expected.map((c) => ({ key: c.key, count: c.count })))
    expect(expected.find((c) => c.key === 'unattributed.total_actions')?.count).toBe(18)
  }, 300_000)

  it('visits every action exactly once across keyset pages, oldest first, ties broken by event id', async () => {
    const all = await everyRow()
    expect(all).toHaveLength(18)
    const paged = await everyRow({}, 4)
    expect(paged.map((r) => r.event_id)).toEqual(all.map((r) => r.event_id))
    expect(new Set(paged.map((r) => r.event_id)).size).toBe(18)
    const keys = paged.map((r) => `${r.time}|${r.event_id}`)
    expect([...keys].sort()).toEqual(keys)
    // two actions of session S5 share 17:00:00.000: the seek on (time, event_id) keeps both
    expect(paged.filter((r) => r.time === at('10-01 17:00'))).toHaveLength(2)
  })

  it('lists the actions carrying any flag, as the person page shows them', async () => {
    const all = await everyRow()
    const flagged = all.filter((r) => r.after_expiry || r.after_revocation || r.after_deprovision || r.conflict)
    expect(flagged.length).toBeGreaterThan(3)
    expect((await everyRow({ flag: 'any' })).map((r) => r.event_id)).toEqual(flagged.map((r) => r.event_id))
    expect((await everyRow({ identity: 'dana@example.com', flag: 'any' })).map((r) => r.event_id)).toEqual(
      flagged.filter((r) => r.identity === 'dana@example.com').map((r) => r.event_id),
    )
  })

  it('pages filtered lists the same way, and says when there is no next page', async () => {
    const first = await actionsPage(cliActor, window, { reason: 'unattributed' }, { per: 4 })
    expect(first).toMatchObject({ total: 6 })
    expect(first.rows).toHaveLength(4)
    const second = await actionsPage(cliActor, window, { reason: 'unattributed' }, { per: 4, after: first.next! })
    expect(second.rows).toHaveLength(2)
    expect(second.next).toBeNull()
    expect([...first.rows, ...second.rows].every((r) => r.identity === '' && r.reason !== '')).toBe(true)
  })

  it('lists each action with its attribution, credential, session and flags', async () => {
    const rows = await everyRow({ session: undefined })
    const conflict = rows.find((r) => r.time === at('10-01 09:30'))
    expect(conflict).toEqual({
      event_id: expect.any(String),
      time: at('10-01 09:30'),
      identity: 'dana@example.com',
      method: 'credential',
      reason: '',
      credential_id: 'AT.d1',
      credential_type: 'oauth_access',
      server: 'billing',
      tool: 'query_invoices',
      client: 'claude-code',
      session_id: 'S1',
      after_expiry: false,
      after_revocation: false,
      after_deprovision: false,
      conflict: true,
    })
    expect(rows.find((r) => r.time === at('10-01 10:30'))).toMatchObject({ identity: 'dana@example.com', method: 'session', credential_id: '' })
    expect(rows.find((r) => r.time === at('10-01 13:10'))).toMatchObject({ identity: '', method: '', reason: 'unknown_credential', client: 'cursor' })
    expect(rows.find((r) => r.time === at('10-01 16:30'))).toMatchObject({ credential_type: 'pat', identity: 'lee@example.com', after_revocation: true })
  })

  it('streams the whole filtered population in the same order as the pages', async () => {
    const streamed: ActionRow[] = []
    for await (const row of await allActions(cliActor, window, { server: 'billing' })) streamed.push(row)
    expect(streamed.map((r) => r.event_id)).toEqual((await everyRow({ server: 'billing' }, 5)).map((r) => r.event_id))
    expect(streamed).toHaveLength(16)
  })

  it('reads filters and the page position from the query string, naming a bad field', () => {
    expect(parseActionQuery(new URLSearchParams('reason=unattributed&server=crm&per=20&from=x'))).toEqual({
      filters: { reason: 'unattributed', server: 'crm' },
      page: { after: undefined, page: undefined, per: 20 },
    })
    expect(parseActionQuery({ identity: '', flag: 'conflict' }).filters).toEqual({ flag: 'conflict' })
    expect(parseActionQuery({ flag: 'any' }).filters).toEqual({ flag: 'any' })
    expect(() => parseActionQuery({ reason: 'lost' })).toThrow(new InvalidParameter('reason', 'reason must be one of no_credential, unknown_credential, unmapped_subject, unattributed'))
    expect(() => parseActionQuery({ per: '501' })).toThrow(/per may be at most 500/)
    expect(() => parseActionQuery({ flag: 'after_party' })).toThrow(expect.objectContaining({ field: 'flag' }))
  })

  it('answers ?page=N with rows (N-1)*per … N*per-1 of the keyset order, and an empty page past the end with the total', async () => {
    const all = (await everyRow({}, 500)).map((r) => r.event_id)
    const per = 4
    const pages = Math.ceil(all.length / per)
    expect(pages).toBeGreaterThan(3)
    for (let n = 1; n <= pages + 1; n++) {
      const page = await actionsPage(cliActor, window, {}, { page: n, per })
      expect(page.total, `page ${n}`).toBe(all.length)
      expect(page.rows.map((r) => r.event_id), `page ${n}`).toEqual(all.slice((n - 1) * per, n * per))
      expect(page.next === null, `page ${n}`).toBe(n >= pages)
    }
    const filtered = await actionsPage(cliActor, window, { server: 'billing' }, { page: 2, per: 5 })
    expect(filtered.rows.map((r) => r.event_id)).toEqual((await everyRow({ server: 'billing' }, 5)).slice(5, 10).map((r) => r.event_id))
    expect(parseActionQuery(new URLSearchParams('page=3&per=20')).page).toEqual({ after: undefined, page: 3, per: 20 })
    expect(() => parseActionQuery({ page: '0' })).toThrow(expect.objectContaining({ field: 'page' }))
  })

  it('refuses a position no list gave', async () => {
    const forged = await actionsPage(cliActor, window, {}, { per: 5, after: 'bm90IGEgY3Vyc29y' }).catch((e: unknown) => e)
    expect(forged).toBeInstanceOf(InvalidParameter)
    expect(forged).toMatchObject({ field: 'after' })
  })
})
