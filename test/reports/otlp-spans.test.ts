import { describe, expect, it } from 'vitest'
import { oktaSource } from '@/lib/sources/okta'
import { otlpSource } from '@/lib/sources/otlp'
import { emptyStore, period, useReportStore } from './setup'
import { allReports, ingestFiles, type VendorFile } from './vendor-files'

useReportStore('otlp-spans')

const day = period('2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-06T00:00:00.000Z')
const OKTA: VendorFile = { parser: oktaSource, file: 'otlp/tenant/okta.ndjson' }
/** agentgateway exporting OTLP: a trace export (with one LLM span) and a log export carrying a gateway line. */
const OTLP: VendorFile[] = [
  { parser: otlpSource, file: 'otlp/tenant/traces.json' },
  { parser: otlpSource, file: 'otlp/tenant/logs.json' },
]

describe('OTLP spans end to end', () => {
  it('attributes span actions by token id, claim and session and measures the deactivated user\'s revocation latency, in either ingest order', { timeout: 120_000 }, async () => {
    await emptyStore()
    const summaries = await ingestFiles([OKTA, ...OTLP])
    expect(summaries.map((s) => [s.read, s.accepted, s.skipped, s.rejected])).toEqual([[5, 5, 0, 0], [7, 6, 1, 0], [1, 1, 0, 0]])
    const idpFirst = await allReports(day)

    expect(idpFirst.unattributed).toMatchObject({
      total_actions: 6,
      attributed_actions: 5,
      by_reason: { no_credential: 1, unknown_credential: 0, unmapped_subject: 0 },
      by_method: { credential: 3, subject_claim: 1, session: 1 },
      flagged: { after_expiry: 0, after_revocation: 1, after_deprovision: 2, conflict: 0 },
    })
    const identities = (idpFirst.attribution as { identities: Array<Record<string, unknown>> }).identities
    expect(identities.map((i) => [i.identity, i.actions])).toEqual([
      ['dana.lee@example.com', 4],
      ['client:0oa9rptAgnt7Xk2Lq5d7', 1],
    ])
    expect(idpFirst['revocation-latency']).toMatchObject({
      triggers: 1,
      with_live_credentials: 1,
      unresolved: 0,
      latency_seconds: { p50: 300, p95: 300, max: 300 },
      within_sla: 1,
      post_trigger_actions: 2,
      post_revocation_actions: 1,
    })

    await emptyStore()
    await ingestFiles([...OTLP, OKTA])
    expect(await allReports(day)).toEqual(idpFirst)
  })
})
