import fs from 'node:fs'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { custodyChain } from '@/lib/custody-chain'
import { ingest } from '@/lib/ingest/pipeline'
import { actionsPage, allActions, type ActionRow } from '@/lib/populations/actions'
import { credentialsPage } from '@/lib/populations/credentials'
import { triggersPage } from '@/lib/populations/triggers'
import { attributionReport } from '@/lib/reports/attribution'
import { pagePeriod } from '@/lib/reports/period'
import { revocationLatencyReport } from '@/lib/reports/revocation-latency'
import { tokenAgeReport } from '@/lib/reports/token-age'
import { unattributedReport } from '@/lib/reports/unattributed'
import { gatewaySource } from '@/lib/sources/gateway'
import { oktaSource } from '@/lib/sources/okta'
import { period, useReportStore } from '../reports/setup'
import { actionFilterExpectations, credentialFilterExpectations, triggerFilterExpectations } from './report-keys'

useReportStore('e2e-fixtures')
afterAll(closeAppStore)

// The files the dashboard's end-to-end tests serve (test/e2e/serve.sh), through the real parsers.
const fixture = (file: string) => ({ name: file, open: () => Readable.from([fs.readFileSync(file)]) })
const now = '2026-12-06T00:00:00.000Z'
const year = period('2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', now)
const window = { from: year.from, to: year.to }

beforeAll(async () => {
  await ingest(oktaSource, [fixture('test/fixtures/e2e/okta.ndjson')])
  await ingest(gatewaySource, [fixture('test/fixtures/e2e/gateway.ndjson')])
})

describe('the populations over the e2e fixtures', () => {
  it('count, for every actions filter, what the unattributed and attribution reports say', async () => {
    // the per-identity method and flag combinations are covered on the hand-built day (actions.test.ts)
    const expected = actionFilterExpectations(await unattributedReport(year), await attributionReport(year)).filter(
      (c) => !/\]\.(by_method|flagged)\./.test(c.key),
    )
    const counted = []
    for (const c of expected) counted.push({ key: c.key, count: (await actionsPage(cliActor, window, c.filters, { per: 1 })).total })
    expect(counted).toEqual(expected.map(({ key, count }) => ({ key, count })))
    expect(counted[0]).toEqual({ key: 'unattributed.total_actions', count: 10 })
  }, 300_000)

  it('count credentials and triggers as token-age and revocation-latency do', async () => {
    const expected = [...credentialFilterExpectations(await tokenAgeReport(year)), ...triggerFilterExpectations(await revocationLatencyReport(year))]
    const counted = []
    for (const c of expected) {
      const page = c.key.startsWith('token-age')
        ? await credentialsPage(cliActor, window, c.filters, { per: 1 })
        : await triggersPage(cliActor, window, c.filters, { per: 1 }, new Date(now))
      counted.push({ key: c.key, count: page.total })
    }
    expect(counted).toEqual(expected.map(({ key, count }) => ({ key, count })))
  }, 300_000)

  it('open on October 2026, the last full month with data, when the URL names no period', async () => {
    expect(await pagePeriod(cliActor, {}, new Date(now))).toEqual({ from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') })
  })

  it('give every action a chain of custody that agrees with its row, from scrubbed records', async () => {
    const rows: ActionRow[] = []
    for await (const row of await allActions(cliActor, window, {})) rows.push(row)
    expect(rows).toHaveLength(10)
    for (const row of rows) {
      const chain = await custodyChain(cliActor, row.event_id)
      expect(chain?.decision, row.event_id).toMatchObject({ identity: row.identity, method: row.method, reason: row.reason, conflict: row.conflict })
      expect(chain?.request.raw).not.toMatch(/eyJhbGciOi|Bearer ey/)
    }
    // line 9 carried a raw bearer token: the record shows the credential it identified, never the token
    const bearer = rows.find((r) => r.time === '2026-10-04T15:30:00.250Z')
    const chain = await custodyChain(cliActor, bearer!.event_id)
    expect(chain?.request.credential_id).not.toBe('')
    expect(chain?.request.raw).toContain('"jsonrpc.request.id":"req-a001"')
    expect(chain?.request.raw).not.toContain('"token"')
  }, 300_000)
})
