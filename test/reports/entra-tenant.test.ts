import { describe, expect, it } from 'vitest'
import { entraSource } from '@/lib/sources/entra'
import { gatewaySource } from '@/lib/sources/gateway'
import { oktaSource } from '@/lib/sources/okta'
import { emptyStore, period, useReportStore } from './setup'
import { allReports, ingestFiles, type VendorFile } from './vendor-files'

useReportStore('entra-tenant')

const day = period('2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-06T00:00:00.000Z')
const AGENT = 'client:3d5f7a9c-1e3b-4d5f-8a9c-1e3b5d7f9a1c'
const DANA = 'dana.lee@contoso.example'

/** An Entra tenant's sign-ins (a Graph beta page) and audits (an Azure Monitor blob), Okta, and an agentgateway log carrying `uti`. */
const IDP_FILES: VendorFile[] = [
  { parser: entraSource, file: 'entra/tenant/sign-ins.json' },
  { parser: entraSource, file: 'entra/tenant/audits.json' },
  { parser: oktaSource, file: 'entra/tenant/okta.ndjson' },
]
const GATEWAY_FILE: VendorFile = { parser: gatewaySource, file: 'entra/tenant/gateway.ndjson' }

describe('an Entra tenant end to end', () => {
  it('attributes gateway actions by Entra token ids and measures the disabled account\'s revocation latency, in either ingest order', { timeout: 120_000 }, async () => {
    await emptyStore()
    const reads = (await ingestFiles([...IDP_FILES, GATEWAY_FILE])).map((s) => [s.read, s.accepted])
    expect(reads).toEqual([[4, 4], [2, 2], [2, 2], [6, 6]])
    const idpFirst = await allReports(day)

    expect(idpFirst.unattributed).toMatchObject({
      total_actions: 6,
      attributed_actions: 5,
      by_reason: { no_credential: 0, unknown_credential: 1, unmapped_subject: 0 },
      by_method: { credential: 5, subject_claim: 0, session: 0 },
      flagged: { after_expiry: 0, after_revocation: 1, after_deprovision: 1, conflict: 0 },
    })
    const identities = (idpFirst.attribution as { identities: Array<Record<string, unknown>> }).identities
    // Okta's Dana.Lee@Contoso.example and Entra's dana.lee@contoso.example are one person
    expect(identities.map((i) => [i.identity, i.kind, i.display_name, i.actions, i.servers])).toEqual([
      [DANA, 'person', 'Dana Lee', 4, 2],
      [AGENT, 'service', 'reporting-agent', 1, 1],
    ])
    expect(idpFirst['revocation-latency']).toMatchObject({
      triggers: 1,
      with_live_credentials: 1,
      unresolved: 0,
      // the non-interactive sign-in's token, live at Disable account (10:00), revoked with every
      // Entra token of Dana at 10:15:00.418 (Update StsRefreshTokenValidFrom Timestamp)
      latency_seconds: { p50: 900.418, p95: 900.418, max: 900.418 },
      within_sla: 1,
      closed_by_expiry: 0,
      post_trigger_actions: 1,
      post_revocation_actions: 1,
    })

    await emptyStore()
    await ingestFiles([GATEWAY_FILE, ...IDP_FILES].reverse())
    expect(await allReports(day)).toEqual(idpFirst)
    await emptyStore()
    await ingestFiles([GATEWAY_FILE, ...IDP_FILES])
    expect(await allReports(day)).toEqual(idpFirst)
  })
})
