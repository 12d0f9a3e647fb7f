import type { Actor } from '@/lib/auth/actor'
import { formatTime } from './format'
import { load } from './load'
import { Metric } from './Metric'
import type { PagePeriod } from './period'
import { pageReport } from './report'
import { Failed } from './Section'

/** The `coverage` report per source: the overview and /coverage show the same numbers, from the report. */
export async function CoverageTable({ actor, period }: { actor: Actor; period: PagePeriod }) {
  const loaded = await load(() => pageReport(actor, 'coverage', period))
  if (!loaded.ok) return <Failed what="the coverage report" message={loaded.message} />
  const r = loaded.value
  if (r.sources.length === 0) {
    return (
      <p className="empty">
        Nothing has been ingested. Load the demo company with <code>npm run -s custody -- demo</code>, or ingest your own logs with{' '}
        <code>npm run -s custody -- ingest --source gateway gateway.ndjson</code> and <code>--source okta okta.ndjson</code>.
      </p>
    )
  }
  const m = (source: string, key: string) => `coverage.sources[${source}].${key}`
  return (
    <table>
      <caption className="lede">
        The period spans <Metric metric="coverage.days" value={r.days} /> UTC days.
      </caption>
      <thead>
        <tr><th scope="col">Source</th><th scope="col" className="num">Events in period</th><th scope="col">First event</th><th scope="col">Last event</th><th scope="col" className="num">Days without events</th></tr>
      </thead>
      <tbody>
        {r.sources.map((s) => (
          <tr key={s.source} data-testid={`source-${s.source}`}>
            <th scope="row">{s.source}</th>
            <td className="num"><Metric metric={m(s.source, 'events')} value={s.events} /></td>
            <td><Metric metric={m(s.source, 'first_event')} value={s.first_event} format="time" /></td>
            <td><Metric metric={m(s.source, 'last_event')} value={s.last_event} format="time" /></td>
            <td className={`num ${s.days_without_events > 0 ? 'bad' : ''}`}>
              <Metric metric={m(s.source, 'days_without_events')} value={s.days_without_events} />
              {s.events === 0 && <span className="tag flag">silent</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
