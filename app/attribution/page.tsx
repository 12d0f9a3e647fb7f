import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import type { AttributionReport } from '@/lib/reports/attribution'
import { BadPeriod } from '../components/BadPeriod'
import { Download } from '../components/Download'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { PageHead } from '../components/PageHead'
import { Pagination } from '../components/Pagination'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { pageReport } from '../components/report'
import { Failed, Section } from '../components/Section'
import { hrefTo, hrefWith, periodQuery, toParams, type Search } from '../components/url'
import { defaultDir, flaggedCount, identityQuerySchema, selectIdentities, type IdentityQuery } from '@/lib/populations/identity-query'

export const dynamic = 'force-dynamic'

export default async function AttributionPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Attribution" path="/attribution" error={resolved.error} />
  const { period } = resolved
  const query = identityQuerySchema.parse(Object.fromEntries(params))
  return (
    <>
      <PageHead title="Attribution" path="/attribution" params={params} period={period}
        lede="The people and service accounts accountable for the period’s agent actions: how many, where, with which tools and clients, how each was decided, and which were flagged." />
      <Section title="Identities" actions={<Download path="/attribution" params={params} />}>
        <IdentitySearch query={query} period={period} />
        <Identities actor={actor} period={period} params={params} query={query} />
      </Section>
    </>
  )
}

function IdentitySearch({ query, period }: { query: IdentityQuery; period: PagePeriod }) {
  return (
    <form method="get" action="/attribution" className="filters" role="search" aria-label="Search identities">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <input type="hidden" name="sort" value={query.sort} />
      {query.dir && <input type="hidden" name="dir" value={query.dir} />}
      <label>Search<input type="search" name="q" defaultValue={query.q} placeholder="e-mail, name, client id, owner" size={30} /></label>
      <label>Show
        <select name="kind" defaultValue={query.kind}>
          <option value="all">everyone</option>
          <option value="person">people</option>
          <option value="service">service accounts</option>
          <option value="ownerless">ownerless service accounts</option>
          <option value="flagged">with flagged actions</option>
        </select>
      </label>
      <button type="submit">Search</button>
    </form>
  )
}

type ListProps = { actor: Actor; period: PagePeriod; params: URLSearchParams; query: IdentityQuery }

async function Identities({ actor, period, params, query }: ListProps) {
  const loaded = await load(() => pageReport(actor, 'attribution', period))
  if (!loaded.ok) return <Failed what="the attribution report" message={loaded.message} />
  const r = loaded.value
  const q = periodQuery(period)
  const unattributed = (
    <p>
      <a href={hrefTo('/actions', { ...q, reason: 'unattributed' })}><Metric metric="attribution.unattributed_actions" value={r.unattributed_actions} /> actions</a> in the period are attributed to no one.
    </p>
  )
  if (r.identities.length === 0) {
    return <>{unattributed}<p className="empty">No action in this period is attributed to anyone. Identities come from IdP logs and the key inventory: ingest them (<code>custody ingest --source okta …</code>, <code>--source keys …</code>).</p></>
  }
  const selected = selectIdentities(r.identities, query)
  const pages = Math.max(1, Math.ceil(selected.length / query.per))
  const page = Math.min(query.page, pages)
  const shown = selected.slice((page - 1) * query.per, page * query.per)
  return (
    <>
      {unattributed}
      {shown.length === 0 ? <p className="empty">No identity matches “{query.q}”.</p> : <IdentityTable rows={shown} params={params} query={query} />}
      <Pagination path="/attribution" params={params} page={page} pages={pages} total={selected.length} />
    </>
  )
}

const COLUMNS = [
  { sort: 'identity', label: 'Identity' },
  { sort: null, label: 'Owner' },
  { sort: 'actions', label: 'Actions', num: true },
  { sort: 'servers', label: 'Servers', num: true },
  { sort: 'tools', label: 'Tools', num: true },
  { sort: 'clients', label: 'Clients', num: true },
  { sort: null, label: 'Decided by (credential · claim · session)', num: true },
  { sort: 'flagged', label: 'Flagged', num: true },
  { sort: 'last_action', label: 'Last action (UTC)' },
] as const

function IdentityTable({ rows, params, query }: { rows: AttributionReport['identities']; params: URLSearchParams; query: IdentityQuery }) {
  const dir = query.dir ?? defaultDir(query.sort)
  const sortHref = (sort: IdentityQuery['sort']) =>
    hrefWith('/attribution', params, { sort, dir: sort === query.sort ? (dir === 'asc' ? 'desc' : 'asc') : null, page: null })
  const m = (id: string, key: string) => `attribution.identities[${id}].${key}`
  return (
    <div className="scroll">
      <table className="dense" data-testid="identities">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.label} scope="col" className={'num' in c ? 'num' : undefined}
                aria-sort={c.sort === query.sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.sort ? <a className="sort" href={sortHref(c.sort)}>{c.label}{c.sort === query.sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</a> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.identity}>
              <th scope="row">
                <a href={hrefTo(`/attribution/${encodeURIComponent(i.identity)}`, { from: params.get('from'), to: params.get('to') })}>{i.identity}</a>
                <br /><small className="muted">{i.kind === 'service' ? 'service account' : 'person'}{i.display_name && i.display_name !== i.identity ? ` · ${i.display_name}` : ''}</small>
              </th>
              <td>{i.kind === 'person' ? '' : i.owner ? <a href={`/attribution/${encodeURIComponent(i.owner)}`}>{i.owner}</a> : <span className="tag flag">ownerless</span>}</td>
              <td className="num"><Metric metric={m(i.identity, 'actions')} value={i.actions} /></td>
              <td className="num"><Metric metric={m(i.identity, 'servers')} value={i.servers} /></td>
              <td className="num"><Metric metric={m(i.identity, 'tools')} value={i.tools} /></td>
              <td className="num"><Metric metric={m(i.identity, 'clients')} value={i.clients} /></td>
              <td className="num">
                <Metric metric={m(i.identity, 'by_method.credential')} value={i.by_method.credential} /> · <Metric metric={m(i.identity, 'by_method.subject_claim')} value={i.by_method.subject_claim} /> · <Metric metric={m(i.identity, 'by_method.session')} value={i.by_method.session} />
              </td>
              <td className={`num ${flaggedCount(i) ? 'bad' : ''}`}>{flaggedCount(i) ? flaggedCount(i).toLocaleString('en-US') : '—'}</td>
              <td><Metric metric={m(i.identity, 'last_action')} value={i.last_action} format="time" /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
