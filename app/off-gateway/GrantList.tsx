import type { Actor } from '@/lib/auth/actor'
import { grantsPage, parseGrantQuery } from '@/lib/populations/grants'
import { InvalidParameter } from '@/lib/reports/search-params'
import { formatTime } from '../components/format'
import { load } from '../components/load'
import { Pagination, pageCount } from '../components/Pagination'
import type { PagePeriod } from '../components/period'
import { Failed } from '../components/Section'
import { hrefTo, hrefWith, periodQuery } from '../components/url'

/** The off-gateway population: each grant no gateway saw, for every client or the one in `?client=`. */
export async function GrantList({ actor, period, params }: { actor: Actor; period: PagePeriod; params: URLSearchParams }) {
  let query
  try {
    query = parseGrantQuery(params)
  } catch (err) {
    if (!(err instanceof InvalidParameter)) throw err
    return <p role="alert" className="failed">{err.field}: {err.message}</p>
  }
  const { filters, page } = query
  const loaded = await load(() => grantsPage(actor, period, filters, page))
  if (!loaded.ok) return <Failed what="the grants" message={loaded.message} />
  const { rows, total } = loaded.value
  if (total === 0) return <p className="empty">No grant {filters.client ? `to ${filters.client} ` : ''}escaped the gateway in this period.</p>
  return (
    <>
      <p data-testid="grants-total">
        <strong>{total.toLocaleString('en-US')}</strong> {total === 1 ? 'grant' : 'grants'}{filters.client && <> to <span className="mono">{filters.client}</span> (<a href={hrefWith('/off-gateway', params, { client: null, page: null })}>every client</a>)</>}, oldest first.
      </p>
      <table className="dense">
        <thead><tr><th scope="col">Issued (UTC)</th><th scope="col">Credential</th><th scope="col">Client</th><th scope="col">Subject</th><th scope="col">Source</th></tr></thead>
        <tbody>
          {rows.map((g) => (
            <tr key={g.credential_id}>
              <td>{formatTime(g.issued_at)}</td>
              <td className="mono">{g.credential_id}</td>
              <td className="mono">{g.client}</td>
              <td>{g.identity ? <a href={hrefTo(`/attribution/${encodeURIComponent(g.identity)}`, periodQuery(period))}>{g.identity}</a> : <span className="stand-out">unknown</span>}</td>
              <td>{g.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pagination path="/off-gateway" params={params} {...pageCount(page.page, page.per, total)} total={total} />
    </>
  )
}
