import { hrefWith } from './url'

const day = (d: Date) => d.toISOString().slice(0, 10)
const monthStart = (d: Date, shift: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + shift, 1))

/**
 * The period every number on the page covers, half-open `[from, to)` in UTC, in the URL
 * (`?from=&to=`). Changing it drops the page number and cursor: they belong to the old period.
 */
export function PeriodPicker({ path, params, period }: { path: string; params: URLSearchParams; period: { from: Date; to: Date } }) {
  const kept = [...params].filter(([k]) => !['from', 'to', 'page', 'after'].includes(k))
  const month = (shift: number) => {
    const from = monthStart(period.from, shift)
    return hrefWith(path, params, { from: from.toISOString(), to: monthStart(from, 1).toISOString(), page: null, after: null })
  }
  const lastDay = new Date(period.to.getTime() - 1)
  return (
    <form method="get" action={path} className="period" aria-label="Period">
      <span className="period-now" data-testid="period">
        <strong>{day(period.from)}</strong> to <strong>{day(lastDay)}</strong> <small>(UTC, {period.from.toISOString()} ≤ t &lt; {period.to.toISOString()})</small>
      </span>
      <a href={month(-1)} aria-label="Previous month">‹ Previous month</a>
      <a href={month(1)} aria-label="Next month">Next month ›</a>
      <details>
        <summary>Choose a period</summary>
        {kept.map(([k, v]) => <input key={`${k}=${v}`} type="hidden" name={k} value={v} />)}
        <label>From <input name="from" defaultValue={period.from.toISOString()} pattern="\d{4}-\d{2}-\d{2}T.*" size={26} /></label>
        <label>To (exclusive) <input name="to" defaultValue={period.to.toISOString()} pattern="\d{4}-\d{2}-\d{2}T.*" size={26} /></label>
        <button type="submit">Show</button>
      </details>
    </form>
  )
}
