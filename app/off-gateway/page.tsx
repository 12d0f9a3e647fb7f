import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { BadPeriod } from '../components/BadPeriod'
import { ChartTable } from '../components/ChartTable'
import { Download } from '../components/Download'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { PageHead } from '../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { pageReport } from '../components/report'
import { Failed, Section } from '../components/Section'
import { hrefWith, toParams, type Search } from '../components/url'
import { GrantList } from './GrantList'

export const dynamic = 'force-dynamic'

export default async function OffGatewayPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Off-gateway grants" path="/off-gateway" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Off-gateway grants" path="/off-gateway" params={params} period={period}
        lede="Credentials an IdP issued in the period to agent clients that no gateway ever saw presented: tokens used around the gateway, or never used." />
      <Section title="Agent clients with grants no gateway saw" actions={<Download path="/off-gateway" params={params} label="Download every grant (CSV)" />}>
        <Clients actor={actor} period={period} params={params} />
      </Section>
      <Section title="Grants" lede="The off-gateway population: every credential behind those counts, with the identity it was issued to.">
        <GrantList actor={actor} period={period} params={params} />
      </Section>
    </>
  )
}

async function Clients({ actor, period, params }: { actor: Actor; period: PagePeriod; params: URLSearchParams }) {
  const loaded = await load(() => pageReport(actor, 'off-gateway', period))
  if (!loaded.ok) return <Failed what="the off-gateway report" message={loaded.message} />
  const r = loaded.value
  if (r.clients.length === 0) {
    return <p className="empty">Every credential issued to an agent client in this period was seen at a gateway (or none was issued). Grants come from IdP logs (<code>custody ingest --source okta …</code>).</p>
  }
  return (
    <>
      <ChartTable title="Grants no gateway saw, by client (most first)" xLabel="client id" yLabel="grants" unit="credentials"
        series={[{ key: 'grants', name: 'grants' }]} rows={r.clients.slice(0, 20).map((c) => ({ label: c.client, grants: c.grants, href: hrefWith('/off-gateway', params, { client: c.client, page: null, after: null }) }))} />
      <table className="dense">
        <thead><tr><th scope="col">Client</th><th scope="col" className="num">Grants</th><th scope="col">Last grant</th></tr></thead>
        <tbody>
          {r.clients.map((c) => (
            <tr key={c.client}>
              <th scope="row" className="mono"><a href={hrefWith('/off-gateway', params, { client: c.client, page: null, after: null })}>{c.client}</a></th>
              <td className="num bad"><Metric metric={`off-gateway.clients[${c.client}].grants`} value={c.grants} /></td>
              <td><Metric metric={`off-gateway.clients[${c.client}].last_grant`} value={c.last_grant} format="time" /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
