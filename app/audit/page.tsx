import { auditActions } from '@/db/schema'
import { mayDo } from '@/lib/auth/actor'
import { auditTrailPage, type AuditEvent } from '@/lib/auth/audit-query'
import { currentActor } from '@/lib/auth/current'
import { parseAuditQuery } from './filter'

export const dynamic = 'force-dynamic'

type Search = Promise<Record<string, string | string[] | undefined>>

const when = (d: Date) => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')

export default async function AuditPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('audit:read')
  const params = new URLSearchParams(Object.entries(await searchParams).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])))
  const query = parseAuditQuery(params)
  if ('error' in query) return <p role="alert" className="form-error">{query.error}</p>
  const trail = await auditTrailPage(actor, query.filter, query.page)
  const link = (page: number) => `/audit?${new URLSearchParams({ ...(query.filter.action ? { action: query.filter.action } : {}), page: String(page) })}`
  return (
    <>
      <h1>Audit trail</h1>
      <p className="lede">
        What people did in Custody itself: sign-ins and failed sign-ins, views of person-level pages, exports, role, threshold and
        ingest-token changes. Rows are append-only and written in the same transaction as the change they describe.
      </p>
      <section className="card" aria-labelledby="audit-title">
        <h2 id="audit-title">{trail.total.toLocaleString('en-US')} events</h2>
        <form method="get" action="/audit" className="row" aria-label="Filter the audit trail">
          <label htmlFor="audit-action">Action</label>
          <select id="audit-action" name="action" defaultValue={query.filter.action ?? ''}>
            <option value="">all actions</option>
            {auditActions.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
          <button type="submit">Filter</button>
        </form>
        {mayDo(actor, 'evidence:export') && (
          // A POST: exporting is recorded, so it must not happen on a link a crawler or another site can follow.
          <form method="post" action="/audit/export" className="row" aria-label="Export the audit trail">
            {query.filter.action && <input type="hidden" name="action" value={query.filter.action} />}
            {query.filter.from && <input type="hidden" name="from" value={query.filter.from.toISOString()} />}
            {query.filter.to && <input type="hidden" name="to" value={query.filter.to.toISOString()} />}
            <button type="submit">Export this population (CSV)</button>
          </form>
        )}
        {trail.events.length === 0 ? <p className="empty">No events.</p> : <EventTable events={trail.events} />}
        <nav aria-label="Pages" className="row">
          {trail.page > 1 && <a href={link(trail.page - 1)} rel="prev">Newer</a>}
          <span>Page {trail.page} of {trail.pages}</span>
          {trail.page < trail.pages && <a href={link(trail.page + 1)} rel="next">Older</a>}
        </nav>
      </section>
    </>
  )
}

function EventTable({ events }: { events: AuditEvent[] }) {
  return (
    <table>
      <thead>
        <tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>Target</th><th>Detail</th><th>From</th></tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid="audit-event">
            <td>{when(e.at)}</td>
            <td>{e.actor}</td>
            <td data-testid="audit-action">{e.action}</td>
            <td>{e.target ?? '—'}</td>
            <td><code>{e.detail ? JSON.stringify(e.detail) : ''}</code></td>
            <td>{e.ip ?? '—'}<br /><small className="muted">{e.userAgent ?? ''}</small></td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
