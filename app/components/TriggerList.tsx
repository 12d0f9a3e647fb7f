import type { Actor } from '@/lib/auth/actor'
import { parseTriggerQuery, triggersPage, type TriggerFilters, type TriggerRow } from '@/lib/populations/triggers'
import { InvalidParameter } from '@/lib/reports/search-params'
import { formatDuration, formatTime } from './format'
import { load } from './load'
import { pageReport } from './report'
import { Pagination, pageCount } from './Pagination'
import type { PagePeriod } from './period'
import { Failed } from './Section'
import { hrefTo, periodQuery } from './url'

type Props = { actor: Actor; period: PagePeriod; params: URLSearchParams; identity?: string }

/**
 * The revocation-latency population: on /revocation-latency filtered by the URL, on a person's
 * page that identity's triggers.
 */
export async function TriggerList({ actor, period, params, identity }: Props) {
  let query
  try {
    query = identity === undefined ? parseTriggerQuery(params) : { filters: { identity }, page: { per: 25 } }
  } catch (err) {
    if (!(err instanceof InvalidParameter)) throw err
    return <p role="alert" className="failed">{err.field}: {err.message}</p>
  }
  const { filters, page } = query
  const loaded = await load(() => triggersPage(actor, period, filters, page))
  if (!loaded.ok) return <Failed what="the triggers" message={loaded.message} />
  const { rows, total } = loaded.value
  const form = identity === undefined && <TriggerFilterForm period={period} filters={filters} />
  // the SLA in force, from the report this page already shows (cached per request)
  const report = identity === undefined ? await load(() => pageReport(actor, 'revocation-latency', period)) : null
  const sla = report?.ok ? report.value.thresholds.revocation_sla_seconds : null
  if (total === 0) {
    return <>{form}<p className="empty">No deprovisioning trigger {identity ? `for ${identity} ` : ''}matches in this period. Triggers come from IdP logs (<code>custody ingest --source okta …</code>: deactivated, suspended, deleted).</p></>
  }
  return (
    <>
      {form}
      <p data-testid="triggers-total"><strong>{total.toLocaleString('en-US')}</strong> {total === 1 ? 'trigger' : 'triggers'}, oldest first.</p>
      <TriggerTable rows={rows} period={period} sla={sla} showIdentity={identity === undefined} />
      {identity === undefined && <Pagination path="/revocation-latency" params={params} {...pageCount(page.page, page.per, total)} total={total} />}
    </>
  )
}

function TriggerTable({ rows, period, sla, showIdentity }: { rows: TriggerRow[]; period: PagePeriod; sla: number | null; showIdentity: boolean }) {
  return (
    <div className="scroll">
      <table className="dense" data-testid="triggers-table">
        <thead>
          <tr>
            <th scope="col">Trigger time (UTC)</th>{showIdentity && <th scope="col">Identity</th>}<th scope="col">Trigger</th><th scope="col">Source</th>
            <th scope="col" className="num">Live credentials</th><th scope="col">Last closed (UTC)</th><th scope="col" className="num">Latency{sla !== null && ` (SLA ${formatDuration(sla)})`}</th>
            <th scope="col" className="num">Actions after</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={`${t.event_id}-${t.fact_index}`}>
              <td>{formatTime(t.time)}</td>
              {showIdentity && <td><a href={hrefTo(`/attribution/${encodeURIComponent(t.identity)}`, periodQuery(period))}>{t.identity}</a></td>}
              <td>{t.trigger}</td>
              <td>{t.source}</td>
              <td className="num">{t.live_credentials.toLocaleString('en-US')}</td>
              <td>{t.unresolved ? <span className="tag flag">still open</span> : formatTime(t.closed_at)}</td>
              <td className="num">
                {t.unresolved ? <span className="stand-out">unresolved</span> : t.latency_seconds === null ? '—' : formatDuration(t.latency_seconds)}
                {sla !== null && t.latency_seconds !== null && t.latency_seconds > sla && <span className="tag flag">over SLA</span>}
              </td>
              <td className={`num ${t.post_trigger_actions ? 'bad' : ''}`}>
                {t.post_trigger_actions ? <a href={hrefTo('/actions', { ...periodQuery(period), identity: t.identity, flag: 'after_deprovision' })}>{t.post_trigger_actions.toLocaleString('en-US')}</a> : 0}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

const YES_NO = [
  { name: 'unresolved', label: 'Unresolved' },
  { name: 'with_live_credentials', label: 'With live credentials' },
  { name: 'within_sla', label: 'Within the SLA' },
] as const

function TriggerFilterForm({ period, filters }: { period: PagePeriod; filters: TriggerFilters }) {
  return (
    <form method="get" action="/revocation-latency" className="filters" aria-label="Filter the triggers">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <label>Identity<input name="identity" defaultValue={filters.identity ?? ''} size={22} /></label>
      {YES_NO.map((f) => (
        <label key={f.name}>{f.label}
          <select name={f.name} defaultValue={filters[f.name] === undefined ? '' : String(filters[f.name])}><option value="">either</option><option value="true">yes</option><option value="false">no</option></select>
        </label>
      ))}
      <button type="submit">Filter</button>
    </form>
  )
}
