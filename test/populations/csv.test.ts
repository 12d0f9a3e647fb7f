import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { actionsPopulation, allActions } from '@/lib/populations/actions'
import { allCredentials, credentialsPopulation } from '@/lib/populations/credentials'
import { csvStream } from '@/lib/populations/csv'
import { csvDownloadTarget } from '@/lib/populations/csv-routes'
import { reportList, type ReportListName } from '@/lib/populations/report-lists'
import { allTriggers, triggersPopulation } from '@/lib/populations/triggers'
import { attributionReport } from '@/lib/reports/attribution'
import { coverageReport } from '@/lib/reports/coverage'
import { offGatewayReport } from '@/lib/reports/off-gateway'
import { revocationLatencyReport } from '@/lib/reports/revocation-latency'
import { tokenAgeReport } from '@/lib/reports/token-age'
import { unattributedReport } from '@/lib/reports/unattributed'
import { at, store } from '../reports/builders'
import { mixedDay } from '../reports/scenario'
import { period, useReportStore } from '../reports/setup'

useReportStore('csv')
afterAll(closeAppStore)

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

async function* rowsOf<T>(rows: T[]): AsyncGenerator<T> {
  for (const row of rows) yield row
}

describe('a population as CSV', () => {
  it('writes RFC 4180: a header, CRLF lines, quotes only where needed, true/false, empty nulls', async () => {
    const csv = await text(
      csvStream(['identity', 'server', 'count', 'flag', 'closed_at'], rowsOf([
        { identity: 'dana@example.com', server: 'billing, eu', count: 3, flag: true, closed_at: null },
        { identity: 'say "hi"', server: 'line\nbreak', count: 0, flag: false, closed_at: '2026-10-01T09:30:00.000Z' },
      ])),
    )
    expect(csv).toBe(
      'identity,server,count,flag,closed_at\r\n' +
        'dana@example.com,"billing, eu",3,true,\r\n' +
        '"say ""hi""","line\nbreak",0,false,2026-10-01T09:30:00.000Z\r\n',
    )
  })

  it('keeps cells a spreadsheet would run as formulas inert', async () => {
    const csv = await text(csvStream(['identity', 'latency'], rowsOf([
      { identity: '=HYPERLINK("http://evil.test")', latency: -5 },
      { identity: '+1', latency: 1 },
      { identity: '-2', latency: 2 },
      { identity: '@SUM(A1)', latency: 3 },
      { identity: '\tcmd', latency: 4 },
    ])))
    expect(csv.split('\r\n').slice(1, -1)).toEqual([`"'=HYPERLINK(""http://evil.test"")",-5`, `'+1,1`, `'-2,2`, `'@SUM(A1),3`, `'\tcmd,4`])
  })

  it('pulls rows only as the reader reads: an endless population still streams', async () => {
    let produced = 0
    async function* endless() {
      for (;;) yield { event_id: `e-${++produced}`, note: 'x'.repeat(100) }
    }
    const reader = csvStream(['event_id', 'note'], endless()).getReader()
    let bytes = 0
    while (bytes < 200_000) bytes += (await reader.read()).value?.length ?? 0
    await reader.cancel()
    // about 1,800 rows of 110 bytes were read; what was produced beyond them is a few buffers' worth
    expect(produced).toBeGreaterThan(1_800)
    expect(produced).toBeLessThan(4_000)
  })

  describe('from ClickHouse', () => {
    const day = period(at('10-01 00:00'), at('10-02 00:00'), at('10-03 00:00'))
    const window = { from: day.from, to: day.to }
    const lines = (csv: string) => csv.split('\r\n').filter(Boolean)
    const listCsv = async (name: ReportListName) => {
      const list = await reportList(cliActor, name, window)
      return text(csvStream(list.columns, rowsOf(list.rows)))
    }

    beforeAll(async () => {
      await store(mixedDay())
    })

    it('downloads every action of the period, one line each under the spec’s header', async () => {
      const csv = await text(csvStream(actionsPopulation.columns, await allActions(cliActor, window, {})))
      expect(lines(csv)[0]).toBe(
        'event_id,time,identity,method,reason,credential_id,credential_type,server,tool,client,session_id,after_expiry,after_revocation,after_deprovision,conflict',
      )
      const report = await unattributedReport(day)
      expect(lines(csv)).toHaveLength(report.total_actions + 1)
      expect(lines(csv).filter((l) => l.includes(',no_credential,'))).toHaveLength(report.by_reason.no_credential)
      expect(csv).toContain(`,${at('10-01 09:30')},dana@example.com,credential,,AT.d1,oauth_access,billing,query_invoices,claude-code,S1,false,false,false,true\r\n`)
    })

    it('downloads the report lists (identities, off-gateway clients, sources) row for row', async () => {
      const identities = lines(await listCsv('identities'))
      const attribution = await attributionReport(day)
      expect(identities[0]).toBe(
        'identity,kind,display_name,owner,actions,servers,tools,clients,first_action,last_action,by_credential,by_subject_claim,by_session,after_expiry,after_revocation,after_deprovision,conflict',
      )
      expect(identities).toHaveLength(attribution.identities.length + 1)
      const bot = attribution.identities.find((i) => i.identity === 'client:0oaBOT')!
      expect(identities).toContain(
        `client:0oaBOT,service,Billing bot,dana@example.com,${bot.actions},${bot.servers},${bot.tools},${bot.clients},${bot.first_action},${bot.last_action},` +
          `${bot.by_method.credential},${bot.by_method.subject_claim},${bot.by_method.session},${Object.values(bot.flagged).join(',')}`,
      )
      expect(lines(await listCsv('clients'))).toHaveLength((await offGatewayReport(day)).clients.length + 1)
      const sources = lines(await listCsv('sources'))
      expect(sources[0]).toBe('source,events,first_event,last_event,days_without_events')
      expect(sources).toHaveLength((await coverageReport(day)).sources.length + 1)
    })

    it('downloads the identities the /attribution page shows: its search, kind and sort apply, every page of them', async () => {
      const attribution = await attributionReport(day)
      const services = attribution.identities.filter((i) => i.kind === 'service')
      expect(services.length).toBeGreaterThan(0)
      const narrowed = await reportList(cliActor, 'identities', window, new URLSearchParams('kind=service&sort=identity&page=2&per=1'))
      expect(narrowed.rows.map((r) => r.identity)).toEqual(services.map((i) => i.identity).sort())
      const searched = await reportList(cliActor, 'identities', window, { q: 'BILLING BOT' })
      expect(searched.rows.map((r) => r.identity)).toEqual(['client:0oaBOT'])
    })

    it('downloads the credentials and triggers populations with the reports’ counts', async () => {
      const credentials = lines(await text(csvStream(credentialsPopulation.columns, await allCredentials(cliActor, window, {}))))
      expect(credentials[0]).toBe('credential_id,type,identity,issued_at,expires_at,revoked_at,age_days,over_max_age,last_used_at,source')
      expect(credentials).toHaveLength((await tokenAgeReport(day)).credentials + 1)
      const triggers = lines(await text(csvStream(triggersPopulation.columns, await allTriggers(cliActor, window, {}, day.now))))
      expect(triggers[0]).toBe('identity,trigger,time,source,live_credentials,closed_at,latency_seconds,unresolved,post_trigger_actions')
      expect(triggers).toHaveLength((await revocationLatencyReport(day)).triggers + 1)
    })
  })
})

describe('which population a page downloads with format=csv', () => {
  const target = (url: string) => {
    const u = new URL(url, 'http://localhost')
    return csvDownloadTarget(u.pathname, u.searchParams)
  }

  it('sends each listing page to its population’s handler with the same query', () => {
    expect(target('/actions?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&server=crm&format=csv')).toBe(
      '/api/populations/actions?from=2026-10-01T00%3A00%3A00Z&to=2026-11-01T00%3A00%3A00Z&server=crm',
    )
    expect(target('/token-age?format=csv&type=pat')).toBe('/api/populations/credentials?type=pat')
    expect(target('/revocation-latency?format=csv')).toBe('/api/populations/triggers')
    expect(target('/attribution?format=csv&q=dana')).toBe('/api/populations/lists/identities?q=dana')
    expect(target('/off-gateway?format=csv')).toBe('/api/populations/grants')
    expect(target('/coverage?format=csv')).toBe('/api/populations/lists/sources')
  })

  it('adds what the path says: the unattributed reason, the identity of a person page', () => {
    expect(target('/unattributed?format=csv')).toBe('/api/populations/actions?reason=unattributed')
    expect(target('/unattributed?format=csv&reason=no_credential')).toBe('/api/populations/actions?reason=no_credential')
    expect(target('/attribution/client%3A0oaBOT?format=csv&flag=conflict')).toBe('/api/populations/actions?flag=conflict&identity=client%3A0oaBOT')
    expect(target('/attribution/dana@example.com?format=csv')).toBe('/api/populations/actions?identity=dana%40example.com')
  })

  it('leaves every other request alone', () => {
    expect(target('/actions?server=crm')).toBeNull()
    expect(target('/actions/req-1?format=csv')).toBeNull()
    expect(target('/audit?format=csv')).toBeNull()
    expect(target('/attribution/%E0%A4%A?format=csv')).toBeNull()
  })
})
