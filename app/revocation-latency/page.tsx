import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { verdicts } from '@/lib/overview/verdicts'
import { BadPeriod } from '../components/BadPeriod'
import { Download } from '../components/Download'
import { Headline } from '../components/Headline'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { PageHead } from '../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { pageReport } from '../components/report'
import { Failed, Section } from '../components/Section'
import { hrefTo, periodQuery, toParams, type Search } from '../components/url'
import { TriggerList } from '../components/TriggerList'

export const dynamic = 'force-dynamic'

export default async function RevocationLatencyPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Revocation latency" path="/revocation-latency" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Revocation latency" path="/revocation-latency" params={params} period={period}
        lede="Each deprovisioning trigger in the period (deactivation, suspension, deletion), the credentials still live at that moment, and how long until the last of them closed." />
      <Section title="Latency against the SLA">
        <Summary actor={actor} period={period} />
      </Section>
      <Section title="Triggers" lede="The revocation-latency population: one row per trigger. Unresolved triggers still have an open credential."
        actions={<Download path="/revocation-latency" params={params} />}>
        <TriggerList actor={actor} period={period} params={params} />
      </Section>
    </>
  )
}

async function Summary({ actor, period }: { actor: Actor; period: PagePeriod }) {
  const loaded = await load(() => pageReport(actor, 'revocation-latency', period))
  if (!loaded.ok) return <Failed what="the revocation-latency report" message={loaded.message} />
  const r = loaded.value
  if (r.triggers === 0) {
    return <p className="empty"><Metric metric="revocation-latency.triggers" value={r.triggers} /> triggers: no deprovisioning trigger in this period. Triggers come from IdP logs (<code>custody ingest --source okta …</code>: user deactivated, suspended, deleted); choose another period or ingest them.</p>
  }
  const q = periodQuery(period)
  return (
    <div className="headlines">
      <Headline label="Latency p95" metric="revocation-latency.latency_seconds.p95" value={r.latency_seconds.p95} format="seconds" verdict={verdicts.latencyP95(r)}
        detail={<>p50 <Metric metric="revocation-latency.latency_seconds.p50" value={r.latency_seconds.p50} format="seconds" />, max <Metric metric="revocation-latency.latency_seconds.max" value={r.latency_seconds.max} format="seconds" /></>} />
      <Headline label="Triggers" metric="revocation-latency.triggers" value={r.triggers}
        detail={<><Metric metric="revocation-latency.with_live_credentials" value={r.with_live_credentials} /> with live credentials</>} />
      <Headline label="Within the SLA" metric="revocation-latency.within_sla" value={r.within_sla} detail="resolved, the last credential closed within the SLA" />
      <Headline label="Unresolved" metric="revocation-latency.unresolved" value={r.unresolved} verdict={verdicts.unresolved(r)} detail="a credential is still open" />
      <Headline label="Closed only by expiry" metric="revocation-latency.closed_by_expiry" value={r.closed_by_expiry} detail="(trigger, credential) pairs nobody revoked" />
      <Headline label="Actions after a trigger" metric="revocation-latency.post_trigger_actions" value={r.post_trigger_actions} detail="until now, by the identity or with its live credentials" />
      <Headline label="Actions after revocation" metric="revocation-latency.post_revocation_actions" value={r.post_revocation_actions} verdict={verdicts.postRevocation(r)}
        href={hrefTo('/actions', { ...q, flag: 'after_revocation' })} detail="presented a credential already revoked" />
    </div>
  )
}
