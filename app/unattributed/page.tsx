import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { actionTrend, trendBucket } from '@/lib/overview/trend'
import { verdicts } from '@/lib/overview/verdicts'
import { BadPeriod } from '../components/BadPeriod'
import { ChartTable } from '../components/ChartTable'
import { Download } from '../components/Download'
import { formatDay } from '../components/format'
import { Headline } from '../components/Headline'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { PageHead } from '../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { pageReport } from '../components/report'
import { Failed, Section } from '../components/Section'
import { FLAGS, METHODS, REASONS } from '../components/labels'
import { hrefTo, periodQuery, toParams, type Search } from '../components/url'

export const dynamic = 'force-dynamic'

export default async function UnattributedPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Unattributed actions" path="/unattributed" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Unattributed actions" path="/unattributed" params={params} period={period}
        lede="Agent actions no rule could tie to a person or service account, why, and where they came from. Every count opens the actions behind it." />
      <Section title="Totals" actions={<Download path="/unattributed" params={params} label="Download the unattributed actions (CSV)" />}>
        <Totals actor={actor} period={period} />
      </Section>
      <Section title="Unattributed ratio over time">
        <RatioTrend actor={actor} period={period} />
      </Section>
      <Section title="By server and client" lede="Most unattributed first. A bar or a server opens its unattributed actions.">
        <Breakdown actor={actor} period={period} />
      </Section>
    </>
  )
}

type Props = { actor: Actor; period: PagePeriod }

async function Totals({ actor, period }: Props) {
  const loaded = await load(() => pageReport(actor, 'unattributed', period))
  if (!loaded.ok) return <Failed what="the unattributed report" message={loaded.message} />
  const r = loaded.value
  const q = periodQuery(period)
  return (
    <>
      <div className="headlines">
        <Headline label="Unattributed ratio" metric="unattributed.unattributed_ratio" value={r.unattributed_ratio} format="ratio" verdict={verdicts.unattributedRatio(r)} />
        <Headline label="Agent actions" metric="unattributed.total_actions" value={r.total_actions} href={hrefTo('/actions', q)} />
        <Headline label="Attributed" metric="unattributed.attributed_actions" value={r.attributed_actions} />
        <Headline label="Unattributed" metric="unattributed.unattributed_actions" value={r.unattributed_actions} href={hrefTo('/actions', { ...q, reason: 'unattributed' })} />
        <Headline label="Refused requests" metric="unattributed.denied_requests" value={r.denied_requests} detail="the gateway denied them: stored, not actions" />
      </div>
      <div className="grid2">
        <table>
          <caption>Why not attributed</caption>
          <thead><tr><th scope="col">Reason</th><th scope="col" className="num">Actions</th></tr></thead>
          <tbody>
            {REASONS.map((x) => (
              <tr key={x.key}>
                <th scope="row">{x.label}<br /><small className="muted">{x.why}</small></th>
                <td className="num"><a href={hrefTo('/actions', { ...q, reason: x.key })}><Metric metric={`unattributed.by_reason.${x.key}`} value={r.by_reason[x.key]} /></a></td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>How the attributed ones were decided</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col" className="num">Actions</th></tr></thead>
          <tbody>
            {METHODS.map((x) => (
              <tr key={x.key}>
                <th scope="row">{x.label}</th>
                <td className="num"><a href={hrefTo('/actions', { ...q, method: x.key })}><Metric metric={`unattributed.by_method.${x.key}`} value={r.by_method[x.key]} /></a></td>
              </tr>
            ))}
          </tbody>
        </table>
        <table>
          <caption>Flagged actions (attributed or not)</caption>
          <thead><tr><th scope="col">Flag</th><th scope="col" className="num">Actions</th></tr></thead>
          <tbody>
            {FLAGS.map((x) => (
              <tr key={x.key}>
                <th scope="row">{x.label}</th>
                <td className={`num ${r.flagged[x.key] ? 'bad' : ''}`}><a href={hrefTo('/actions', { ...q, flag: x.key })}><Metric metric={`unattributed.flagged.${x.key}`} value={r.flagged[x.key]} /></a></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

async function RatioTrend({ actor, period }: Props) {
  const loaded = await load(() => actionTrend(actor, period))
  if (!loaded.ok) return <Failed what="the trend" message={loaded.message} />
  if (loaded.value.every((p) => p.total === 0)) return <p className="empty">No agent actions in this period. Ingest gateway logs or choose another period.</p>
  const rows = loaded.value.map((p) => ({ label: formatDay(p.start), ratio: p.unattributed_ratio, unattributed: p.unattributed }))
  const x = trendBucket(period) === 'day' ? 'day (UTC)' : 'week from (UTC)'
  return (
    <div className="grid2">
      <ChartTable title="Unattributed share of agent actions" kind="line" percent xLabel={x} yLabel="unattributed" unit="%" series={[{ key: 'ratio', name: 'unattributed ratio' }]} rows={rows} />
      <ChartTable title="Unattributed agent actions" xLabel={x} yLabel="actions" unit="count" series={[{ key: 'unattributed', name: 'unattributed' }]} rows={rows} />
    </div>
  )
}

async function Breakdown({ actor, period }: Props) {
  const loaded = await load(() => pageReport(actor, 'unattributed', period))
  if (!loaded.ok) return <Failed what="the unattributed report" message={loaded.message} />
  const r = loaded.value
  if (r.total_actions === 0) return <p className="empty">No agent actions in this period. Ingest gateway logs (<code>custody ingest --source gateway …</code>) or choose another period.</p>
  const q = periodQuery(period)
  const drill = (key: 'server' | 'client', value: string) => hrefTo('/actions', { ...q, [key]: value, reason: 'unattributed' })
  const servers = r.by_server.filter((s) => s.unattributed > 0).map((s) => ({ label: s.server, unattributed: s.unattributed, href: drill('server', s.server) }))
  const clients = r.by_client.filter((c) => c.unattributed > 0).map((c) => ({ label: c.client, unattributed: c.unattributed, href: drill('client', c.client) }))
  const series = [{ key: 'unattributed', name: 'unattributed actions' }]
  return (
    <>
      <div className="grid2">
        <ChartTable title="Unattributed actions by server (most first)" xLabel="server (mcp.target)" yLabel="unattributed" unit="actions" series={series} rows={servers.slice(0, 15)} />
        <ChartTable title="Unattributed actions by client (most first)" xLabel="client (client.name)" yLabel="unattributed" unit="actions" series={series} rows={clients.slice(0, 15)} />
      </div>
      <div className="grid2">
        <BreakdownTable name="server" rows={r.by_server.map((s) => ({ key: s.server, total: s.total, unattributed: s.unattributed }))} href={(k) => drill('server', k)} />
        <BreakdownTable name="client" rows={r.by_client.map((c) => ({ key: c.client, total: c.total, unattributed: c.unattributed }))} href={(k) => drill('client', k)} />
      </div>
    </>
  )
}

function BreakdownTable({ name, rows, href }: { name: 'server' | 'client'; rows: { key: string; total: number; unattributed: number }[]; href: (key: string) => string }) {
  return (
    <table className="dense">
      <thead><tr><th scope="col">{name === 'server' ? 'Server' : 'Client'}</th><th scope="col" className="num">Actions</th><th scope="col" className="num">Unattributed</th></tr></thead>
      <tbody>
        {rows.map((x) => (
          <tr key={x.key}>
            <th scope="row"><a href={href(x.key)}>{x.key}</a></th>
            <td className="num"><Metric metric={`unattributed.by_${name}[${x.key}].total`} value={x.total} /></td>
            <td className={`num ${x.unattributed ? 'bad' : ''}`}><Metric metric={`unattributed.by_${name}[${x.key}].unattributed`} value={x.unattributed} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
