import { ActionForm } from '@/app/components/ActionForm'
import { ALERT_STATES } from '@/lib/alerts/alert'
import { alertList, parseAlertFilters, type AlertView } from '@/lib/alerts/list'
import { RULE_IDS, RULES, SEVERITIES } from '@/lib/alerts/rules'
import { mayDo } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { InvalidParameter } from '@/lib/reports/search-params'
import { acknowledgeAlertAction } from './actions'

export const dynamic = 'force-dynamic'

type Search = Promise<Record<string, string | string[] | undefined>>

const when = (d: Date | string) => new Date(d).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
const number = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumSignificantDigits: 4 }))

export default async function AlertsPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('overview:read')
  let filters
  try {
    filters = parseAlertFilters(await searchParams)
  } catch (err) {
    if (err instanceof InvalidParameter) return <p role="alert" className="form-error">{err.message}</p>
    throw err
  }
  const list = await alertList(actor, filters)
  const mayAcknowledge = mayDo(actor, 'alerts:acknowledge')
  return (
    <>
      <h1>Alerts</h1>
      <p className="lede">
        Thresholds broken by the data, evaluated after every ingest batch and every minute, over windows that end at the newest event. One alert per
        rule and subject while it lasts; set the rules on <a href="/thresholds">Thresholds</a>.
      </p>
      <form method="get" action="/alerts" className="row" aria-label="Filter alerts">
        <Select name="state" label="State" value={filters.state} options={ALERT_STATES} />
        <Select name="rule" label="Rule" value={filters.rule} options={RULE_IDS} />
        <Select name="severity" label="Severity" value={filters.severity} options={SEVERITIES} />
        <button type="submit">Filter</button>
      </form>
      <section className="card" aria-labelledby="alerts-title">
        <h2 id="alerts-title">{list.length} alerts</h2>
        {list.length === 0 ? (
          <p className="empty">No alerts match.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Severity</th><th>Rule</th><th>Subject</th><th>Value</th><th>Threshold</th><th>Since (UTC)</th><th>State</th><th>Evidence</th><th>History</th></tr>
            </thead>
            <tbody>
              {list.map((a) => <AlertRow key={a.id} alert={a} mayAcknowledge={mayAcknowledge} />)}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

function AlertRow({ alert, mayAcknowledge }: { alert: AlertView; mayAcknowledge: boolean }) {
  return (
    <tr data-testid={`alert-${alert.id}`} data-rule={alert.rule} data-state={alert.state}>
      <td className={alert.severity === 'critical' ? 'bad' : ''}>{alert.severity}</td>
      <td title={RULES[alert.rule].explains}>{RULES[alert.rule].title}</td>
      <td><code>{alert.subject}</code></td>
      <td>{number(alert.value)}</td>
      <td>{number(alert.threshold)}</td>
      <td>{when(alert.since)}</td>
      <td data-testid="alert-state">
        {alert.state}
        {alert.acknowledgedBy && <small className="muted"> by {alert.acknowledgedBy}</small>}
        {alert.state === 'firing' && mayAcknowledge && (
          <ActionForm action={acknowledgeAlertAction} label={`Acknowledge ${alert.rule} ${alert.subject}`}>
            <input type="hidden" name="id" value={alert.id} />
            <label htmlFor={`ack-${alert.id}`}>Comment</label>
            <input id={`ack-${alert.id}`} name="comment" required maxLength={2000} />
            <button type="submit">Acknowledge</button>
          </ActionForm>
        )}
      </td>
      <td><a href={alert.link}>Show the evidence</a></td>
      <td>
        <details>
          <summary>{alert.history.length} events</summary>
          <ol>
            {alert.history.map((e, i) => (
              <li key={i}>
                {when(e.at)} {e.change} by {e.actor}
                {e.value !== null && e.change === 'fired' ? ` (value ${number(e.value)})` : ''}
                {e.comment ? `: ${e.comment}` : ''}
              </li>
            ))}
          </ol>
        </details>
      </td>
    </tr>
  )
}

function Select({ name, label, value, options }: { name: string; label: string; value: string | undefined; options: readonly string[] }) {
  return (
    <>
      <label htmlFor={`alerts-${name}`}>{label}</label>
      <select id={`alerts-${name}`} name={name} defaultValue={value ?? ''}>
        <option value="">all</option>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </>
  )
}
