import type { Actor } from '@/lib/auth/actor'
import { credentialsPage, parseCredentialQuery, type CredentialRow } from '@/lib/populations/credentials'
import { AGE_BUCKETS } from '@/lib/reports/token-age'
import { InvalidParameter } from '@/lib/reports/search-params'
import { formatDuration, formatTime } from './format'
import { CREDENTIAL_TYPES } from './labels'
import { load } from './load'
import { Pagination, pageCount } from './Pagination'
import type { PagePeriod } from './period'
import { Failed } from './Section'
import { hrefTo, periodQuery } from './url'

type Props = { actor: Actor; period: PagePeriod; params: URLSearchParams; identity?: string }

const PERSON_PAGE_ROWS = 25

/**
 * The token-age population: on /token-age filtered by the URL, on a person's page that
 * identity's credentials (the first rows, and a link to all of them).
 */
export async function CredentialList({ actor, period, params, identity }: Props) {
  let query
  try {
    query = identity === undefined ? parseCredentialQuery(params) : { filters: { identity }, page: { per: PERSON_PAGE_ROWS } }
  } catch (err) {
    if (!(err instanceof InvalidParameter)) throw err
    return <p role="alert" className="failed">{err.field}: {err.message}</p>
  }
  const { filters, page } = query
  const loaded = await load(() => credentialsPage(actor, period, filters, page))
  if (!loaded.ok) return <Failed what="the credentials" message={loaded.message} />
  const { rows, total } = loaded.value
  const form = identity === undefined && <CredentialFilterForm period={period} filters={filters} per={page.per} />
  if (total === 0) {
    return <>{form}<p className="empty">No credential {identity ? `of ${identity} ` : ''}matches in this period. Credentials come from IdP grants (<code>custody ingest --source okta …</code>) and the key inventory (<code>--source keys …</code>).</p></>
  }
  return (
    <>
      {form}
      <p data-testid="credentials-total"><strong>{total.toLocaleString('en-US')}</strong> {total === 1 ? 'credential' : 'credentials'}, oldest issue first.</p>
      <CredentialTable rows={rows} showIdentity={identity === undefined} />
      {identity === undefined ? (
        <Pagination path="/token-age" params={params} {...pageCount(page.page, page.per, total)} total={total} />
      ) : (
        total > rows.length && <p><a href={hrefTo('/token-age', { ...periodQuery(period), identity })}>All {total.toLocaleString('en-US')} credentials of {identity}</a></p>
      )}
    </>
  )
}

function CredentialTable({ rows, showIdentity }: { rows: CredentialRow[]; showIdentity: boolean }) {
  return (
    <div className="scroll">
      <table className="dense" data-testid="credentials-table">
        <thead>
          <tr>
            <th scope="col">Credential</th>{showIdentity && <th scope="col">Identity</th>}<th scope="col">Issued (UTC)</th><th scope="col">Expires</th>
            <th scope="col">Revoked</th><th scope="col" className="num">Age</th><th scope="col">Last used</th><th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.credential_id}>
              <td className="mono" title={c.credential_id}><small>{c.type}</small> {c.credential_id.length > 26 ? `${c.credential_id.slice(0, 24)}…` : c.credential_id}</td>
              {showIdentity && <td>{c.identity ? <a href={`/attribution/${encodeURIComponent(c.identity)}`}>{c.identity}</a> : <span className="stand-out">no subject</span>}</td>}
              <td>{formatTime(c.issued_at)}</td>
              <td>{c.expires_at ? formatTime(c.expires_at) : <span className="tag warn">no expiry</span>}</td>
              <td>{c.revoked_at ? formatTime(c.revoked_at) : '—'}</td>
              <td className="num">{c.age_days < 1 ? formatDuration(c.age_days * 86_400) : `${c.age_days.toLocaleString('en-US', { maximumFractionDigits: 1 })} d`} {c.over_max_age && <span className="tag flag">over max</span>}</td>
              <td>{formatTime(c.last_used_at)}</td>
              <td>{c.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function CredentialFilterForm({ period, filters, per }: { period: PagePeriod; filters: ReturnType<typeof parseCredentialQuery>['filters']; per: number }) {
  const yesNo = (v: boolean | undefined) => (v === undefined ? '' : String(v))
  return (
    <form method="get" action="/token-age" className="filters" aria-label="Filter the credentials">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <label>Identity<input name="identity" defaultValue={filters.identity ?? ''} size={22} /></label>
      <label>Type
        <select name="type" defaultValue={filters.type ?? ''}>
          <option value="">any</option>
          {CREDENTIAL_TYPES.map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}
        </select>
      </label>
      <label>Age bucket
        <select name="bucket" defaultValue={filters.bucket ?? ''}>
          <option value="">any</option>
          {AGE_BUCKETS.map((b) => <option key={b} value={b}>{b} days</option>)}
        </select>
      </label>
      <label>Over max age
        <select name="over_max_age" defaultValue={yesNo(filters.over_max_age)}><option value="">either</option><option value="true">yes</option><option value="false">no</option></select>
      </label>
      <label>Without expiry
        <select name="no_expiry" defaultValue={yesNo(filters.no_expiry)}><option value="">either</option><option value="true">yes</option><option value="false">no</option></select>
      </label>
      <label>Per page
        <select name="per" defaultValue={String(per)}>{[25, 50, 100, 250, 500].map((n) => <option key={n} value={n}>{n}</option>)}</select>
      </label>
      <button type="submit">Filter</button>
    </form>
  )
}
