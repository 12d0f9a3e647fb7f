import { currentActor } from '@/lib/auth/current'
import type { Actor } from '@/lib/auth/actor'
import { actionTrend, trendBucket } from '@/lib/overview/trend'
import { verdicts } from '@/lib/overview/verdicts'
import { BadPeriod } from './components/BadPeriod'
import { ChartTable } from './components/ChartTable'
import { CoverageTable } from './components/CoverageTable'
import { formatDay } from './components/format'
import { Headline } from './components/Headline'
import { load } from './components/load'
import { Metric } from './components/Metric'
import { PageHead } from './components/PageHead'
import { resolvePeriod, type PagePeriod } from './components/period'
import { pageReport } from './components/report'
import { Failed, Section } from './components/Section'
import { hrefTo, periodQuery, toParams, type Search } from './components/url'
import { Suspense } from 'react'

export const dynamic = 'force-dynamic'

export default async function OverviewPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Overview" path="/" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Overview" path="/" params={params} period={period}
        lede="The headline evidence for AI-agent access against the thresholds in force: who is accountable, how old the credentials are, how fast access was removed." />
      <div className="headlines">
        <Suspense fallback={<p className="loading" role="status">Loading attribution…</p>}><AttributionHeadlines actor={actor} period={period} /></Suspense>
        <Suspense fallback={<p className="loading" role="status">Loading token age…</p>}><TokenHeadlines actor={actor} period={period} /></Suspense>
        <Suspense fallback={<p className="loading" role="status">Loading revocation latency…</p>}><RevocationHeadlines actor={actor} period={period} /></Suspense>
      </div>
      <Section title={`Trend per ${trendBucket(period)}`} lede="Agent actions and the unattributed share in each bucket of the period (UTC).">
        <Trend actor={actor} period={period} />
      </Section>
      <Section title="Coverage per source" lede={<>What the evidence stands on: each source’s events in the period and the days it was silent. <a href={hrefTo('/coverage', periodQuery(period))}>Coverage in detail</a></>}>
        <CoverageTable actor={actor} period={period} />
      </Section>
    </>
  )
}

type Props = { actor: Actor; period: PagePeriod }

async function AttributionHeadlines({ actor, period }: Props) {
  const loaded = await load(() => pageReport(actor, 'unattributed', period))
  if (!loaded.ok) return <Failed what="the unattributed report" message={loaded.message} />
  const r = loaded.value
  const q = periodQuery(period)
  return (
    <>
      <Headline label="Unattributed actions" metric="unattributed.unattributed_ratio" value={r.unattributed_ratio} format="ratio"
        verdict={verdicts.unattributedRatio(r)} href={hrefTo('/unattributed', q)}
        detail={<>of all agent actions: <a href={hrefTo('/actions', { ...q, reason: 'unattributed' })}>view them</a></>} />
      <Headline label="Use after revocation" metric="unattributed.flagged.after_revocation" value={r.flagged.after_revocation}
        verdict={verdicts.afterRevocation(r)} href={hrefTo('/actions', { ...q, flag: 'after_revocation' })} detail="actions presenting a credential already revoked" />
      <Headline label="Use after deprovisioning" metric="unattributed.flagged.after_deprovision" value={r.flagged.after_deprovision}
        verdict={verdicts.afterDeprovision(r)} href={hrefTo('/actions', { ...q, flag: 'after_deprovision' })} detail="actions by an identity already deprovisioned" />
    </>
  )
}

async function TokenHeadlines({ actor, period }: Props) {
  const loaded = await load(() => pageReport(actor, 'token-age', period))
  if (!loaded.ok) return <Failed what="the token-age report" message={loaded.message} />
  const r = loaded.value
  const q = periodQuery(period)
  return (
    <>
      <Headline label="Credentials over max age" metric="token-age.over_max_age" value={r.over_max_age}
        verdict={verdicts.overMaxAge(r)} href={hrefTo('/token-age', { ...q, over_max_age: 'true' })} detail={<>of <Metric metric="token-age.credentials" value={r.credentials} /> live in the period</>} />
      <Headline label="Credentials without expiry" metric="token-age.no_expiry" value={r.no_expiry}
        verdict={verdicts.noExpiry(r)} href={hrefTo('/token-age', { ...q, no_expiry: 'true' })} detail="keys and tokens no source gives an expiry" />
    </>
  )
}

async function RevocationHeadlines({ actor, period }: Props) {
  const loaded = await load(() => pageReport(actor, 'revocation-latency', period))
  if (!loaded.ok) return <Failed what="the revocation-latency report" message={loaded.message} />
  const r = loaded.value
  const q = periodQuery(period)
  return (
    <>
      <Headline label="Revocation latency p95" metric="revocation-latency.latency_seconds.p95" value={r.latency_seconds.p95} format="seconds"
        verdict={verdicts.latencyP95(r)} href={hrefTo('/revocation-latency', q)} detail={<>over <Metric metric="revocation-latency.with_live_credentials" value={r.with_live_credentials} /> triggers with live credentials</>} />
      <Headline label="Unresolved triggers" metric="revocation-latency.unresolved" value={r.unresolved}
        verdict={verdicts.unresolved(r)} href={hrefTo('/revocation-latency', { ...q, unresolved: 'true' })} detail="deprovisioned, with a credential still open" />
    </>
  )
}

async function Trend({ actor, period }: Props) {
  const loaded = await load(() => actionTrend(actor, period))
  if (!loaded.ok) return <Failed what="the trend" message={loaded.message} />
  const points = loaded.value
  if (points.every((p) => p.total === 0)) return <p className="empty">No agent actions in this period. Ingest gateway logs (<code>custody ingest --source gateway …</code>) or choose another period.</p>
  const rows = points.map((p) => ({ label: formatDay(p.start), total: p.total, unattributed: p.unattributed, ratio: p.unattributed_ratio }))
  return (
    <div className="grid2">
      <ChartTable title="Agent actions, attributed and not" xLabel={trendBucket(period) === 'day' ? 'day (UTC)' : 'week from (UTC)'} yLabel="actions" unit="count"
        series={[{ key: 'total', name: 'all actions' }, { key: 'unattributed', name: 'unattributed' }]} rows={rows} />
      <ChartTable title="Unattributed ratio" kind="line" percent xLabel={trendBucket(period) === 'day' ? 'day (UTC)' : 'week from (UTC)'} yLabel="unattributed" unit="%"
        series={[{ key: 'ratio', name: 'unattributed ratio' }]} rows={rows} />
    </div>
  )
}
