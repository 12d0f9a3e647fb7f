import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { verdicts } from '@/lib/overview/verdicts'
import { AGE_BUCKETS } from '@/lib/reports/token-age'
import { BadPeriod } from '../components/BadPeriod'
import { ChartTable } from '../components/ChartTable'
import { Download } from '../components/Download'
import { Headline } from '../components/Headline'
import { CREDENTIAL_TYPES } from '../components/labels'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { PageHead } from '../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { pageReport } from '../components/report'
import { Failed, Section } from '../components/Section'
import { hrefWith, toParams, type Search } from '../components/url'
import { CredentialList } from '../components/CredentialList'

export const dynamic = 'force-dynamic'

const BUCKETS = AGE_BUCKETS

export default async function TokenAgePage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Token age" path="/token-age" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Token age" path="/token-age" params={params} period={period}
        lede="Credentials live at some time in the period: how old they got (until the period’s end, expiry or revocation), against each type’s maximum age." />
      <Section title="Age against the maximum">
        <Summary actor={actor} period={period} params={params} />
      </Section>
      <Section title="Credentials" lede="The token-age population: every credential live in the period. Filter to the exceptions; download the whole list."
        actions={<Download path="/token-age" params={params} />}>
        <CredentialList actor={actor} period={period} params={params} />
      </Section>
    </>
  )
}

async function Summary({ actor, period, params }: { actor: Actor; period: PagePeriod; params: URLSearchParams }) {
  const only = (filter: Record<string, string>) => hrefWith('/token-age', params, { over_max_age: null, no_expiry: null, type: null, bucket: null, after: null, ...filter })
  const loaded = await load(() => pageReport(actor, 'token-age', period))
  if (!loaded.ok) return <Failed what="the token-age report" message={loaded.message} />
  const r = loaded.value
  if (r.credentials === 0 && r.unknown_issue_time === 0) {
    return <p className="empty"><Metric metric="token-age.credentials" value={r.credentials} /> credentials: none was live in this period. Ingest IdP logs (<code>custody ingest --source okta …</code>) and the key inventory (<code>--source keys</code>), or choose another period.</p>
  }
  const max = r.thresholds.max_age_days
  return (
    <>
      <div className="headlines">
        <Headline label="Credentials live in the period" metric="token-age.credentials" value={r.credentials} />
        <Headline label="Over their type’s max age" metric="token-age.over_max_age" value={r.over_max_age} verdict={verdicts.overMaxAge(r)} href={only({ over_max_age: 'true' })} />
        <Headline label="Without expiry" metric="token-age.no_expiry" value={r.no_expiry} verdict={verdicts.noExpiry(r)} href={only({ no_expiry: 'true' })} />
        <Headline label="Age p50 / p95 / max" metric="token-age.age_days.p95" value={r.age_days.p95} format="days"
          detail={<>p50 <Metric metric="token-age.age_days.p50" value={r.age_days.p50} format="days" />, max <Metric metric="token-age.age_days.max" value={r.age_days.max} format="days" /></>} />
        <Headline label="Issue time unknown" metric="token-age.unknown_issue_time" value={r.unknown_issue_time} detail="presented in the period, never issued in any log: not in the population" />
      </div>
      <div className="grid2">
        <ChartTable title="Credentials by age" xLabel="age (days)" yLabel="credentials" unit="count"
          series={[{ key: 'credentials', name: 'credentials' }]} rows={BUCKETS.map((b) => ({ label: b, credentials: r.buckets[b], href: only({ bucket: b }) }))} />
        <table>
          <caption>By type, against the maximum age in force</caption>
          <thead><tr><th scope="col">Type</th><th scope="col" className="num">Credentials</th><th scope="col" className="num">Max age</th></tr></thead>
          <tbody>
            {CREDENTIAL_TYPES.map((t) => (
              <tr key={t.key}>
                <th scope="row"><a href={only({ type: t.key })}>{t.label}</a></th>
                <td className="num"><Metric metric={`token-age.by_type.${t.key}`} value={r.by_type[t.key]} /></td>
                <td className="num">{max[t.key]} d</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <table className="dense">
        <caption>Age buckets (disjoint; they add up to the credentials)</caption>
        <thead><tr>{BUCKETS.map((b) => <th key={b} scope="col" className="num">{b} d</th>)}</tr></thead>
        <tbody><tr>{BUCKETS.map((b) => <td key={b} className="num"><a href={only({ bucket: b })}><Metric metric={`token-age.buckets.${b}`} value={r.buckets[b]} /></a></td>)}</tr></tbody>
      </table>
    </>
  )
}
