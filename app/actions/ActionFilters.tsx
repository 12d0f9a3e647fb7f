import type { ActionFilters as Filters } from '@/lib/populations/actions'
import { FLAGS, METHODS, REASONS } from '../components/labels'

const TEXT_FIELDS = [
  { name: 'identity', label: 'Identity' },
  { name: 'server', label: 'Server' },
  { name: 'tool', label: 'Tool' },
  { name: 'client', label: 'Client' },
  { name: 'credential', label: 'Credential id' },
] as const

/** The actions filters as a GET form: every filter is a query parameter, so a filtered view is a link. */
export function ActionFilterForm({ filters, period, per }: { filters: Filters; period: { from: Date; to: Date }; per: number }) {
  return (
    <form method="get" action="/actions" className="filters" aria-label="Filter the actions">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      {TEXT_FIELDS.map((f) => (
        <label key={f.name}>{f.label}<input name={f.name} defaultValue={filters[f.name] ?? ''} size={f.name === 'credential' ? 22 : 14} /></label>
      ))}
      <label>Decided by
        <select name="method" defaultValue={filters.method ?? ''}>
          <option value="">any rule</option>
          {METHODS.map((m) => <option key={m.key} value={m.key}>{m.label}</option>)}
        </select>
      </label>
      <label>Reason
        <select name="reason" defaultValue={filters.reason ?? ''}>
          <option value="">attributed or not</option>
          <option value="unattributed">unattributed, any reason</option>
          {REASONS.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
      </label>
      <label>Flag
        <select name="flag" defaultValue={filters.flag ?? ''}>
          <option value="">flagged or not</option>
          <option value="any">any flag</option>
          {FLAGS.map((f) => <option key={f.key} value={f.key}>{f.label}</option>)}
        </select>
      </label>
      <label>Per page
        <select name="per" defaultValue={String(per)}>
          {[25, 50, 100, 250, 500].map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      <button type="submit">Filter</button>
      <a href={`/actions?from=${encodeURIComponent(period.from.toISOString())}&to=${encodeURIComponent(period.to.toISOString())}`}>Clear</a>
    </form>
  )
}
