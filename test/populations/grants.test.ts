import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { allGrants, grantsPage, parseGrantQuery, type GrantRow } from '@/lib/populations/grants'
import { offGatewayReport } from '@/lib/reports/off-gateway'
import { at, grant, inventoryKey, person, request, store, twice } from '../reports/builders'
import { period, useReportStore } from '../reports/setup'

useReportStore('grants-population')
afterAll(closeAppStore)

const day = period(at('10-01 00:00'), at('10-02 00:00'))
const window = { from: day.from, to: day.to }
const agent = { client_id: '0oaAGENT' }

beforeAll(async () => {
  await store({
    facts: twice(
      [
        person('00uDANA', 'dana@example.com'),
        grant('AT.g1', '00uDANA', at('10-01 10:00'), agent), // presented at the gateway
        grant('AT.g2', '00uDANA', at('10-01 11:00'), agent),
        grant('AT.g3', '00uLEE', at('10-01 12:00'), agent),
        grant('AT.g4', '00uDANA', at('10-01 12:00'), { client_id: '0oaWEB' }), // a client no gateway has seen
        grant('AT.g5', '00uLEE', at('10-01 13:00'), { client_id: '0oaCLI' }),
        grant('AT.g6', '00uDANA', at('09-30 12:00'), agent), // before the period
        grant('AT.g7', '00uDANA', at('10-01 14:00'), agent), // seen, though refused
        inventoryKey('sha256:never-used', { type: 'api_key', created: at('10-01 00:00'), owner: 'dana@example.com' }),
      ],
      (f) => f.credential_id === 'AT.g2',
    ),
    requests: [
      request({ time: at('10-01 10:05'), credential_id: 'AT.g1' }),
      request({ time: at('10-01 10:06'), credential_id: 'AT.other', jwt_client_id: '0oaCLI' }),
      request({ time: at('10-01 14:05'), credential_id: 'AT.g7', outcome: 'denied' }),
    ],
  })
})

describe('the off-gateway grants population', () => {
  it('counts, per client, the grants the off-gateway report gives', async () => {
    const report = await offGatewayReport(day)
    expect(report.clients.length).toBe(2)
    for (const c of report.clients) expect((await grantsPage(cliActor, window, { client: c.client }, { per: 1 })).total, c.client).toBe(c.grants)
    expect((await grantsPage(cliActor, window, {}, { per: 1 })).total).toBe(report.clients.reduce((n, c) => n + c.grants, 0))
  })

  it('lists each grant with its client, issue time, subject and source, oldest first', async () => {
    const rows: GrantRow[] = []
    for await (const row of await allGrants(cliActor, window, {})) rows.push(row)
    expect(rows).toEqual([
      { credential_id: 'AT.g2', client: '0oaAGENT', issued_at: at('10-01 11:00'), identity: 'dana@example.com', source: 'okta' },
      { credential_id: 'AT.g3', client: '0oaAGENT', issued_at: at('10-01 12:00'), identity: 'okta:00uLEE', source: 'okta' },
      { credential_id: 'AT.g5', client: '0oaCLI', issued_at: at('10-01 13:00'), identity: 'okta:00uLEE', source: 'okta' },
    ])
    const first = await grantsPage(cliActor, window, {}, { per: 2 })
    const second = await grantsPage(cliActor, window, {}, { per: 2, after: first.next! })
    expect([...first.rows, ...second.rows]).toEqual(rows)
    expect(parseGrantQuery({ client: '0oaCLI', per: '5' })).toEqual({ filters: { client: '0oaCLI' }, page: { after: undefined, per: 5 } })
  })
})
