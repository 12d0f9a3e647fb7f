import { currentActor } from '@/lib/auth/current'
import { sourceOverview, recentIngestRuns, type SourceOverview } from '@/lib/overview/sources'
import { SourceChart } from './components/SourceChart'

export const dynamic = 'force-dynamic'

const fmt = (n: number) => n.toLocaleString('en-US')
const time = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—')

export default async function OverviewPage() {
  const actor = await currentActor('overview:read')
  const [sources, runs] = await Promise.all([sourceOverview(actor), recentIngestRuns(actor, 10)])
  return (
    <>
      <h1>Overview</h1>
      <p className="lede">What the evidence stands on: every source ingested, the time it covers, and its latest event.</p>
      {sources.length === 0 ? <EmptyState /> : <Sources sources={sources} />}
      <section className="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Recent ingest runs</h2>
        {runs.length === 0 ? (
          <p className="empty">No ingest has run yet.</p>
        ) : (
          <table>
            <thead>
              <tr><th>Started</th><th>Source</th><th>Files</th><th className="num">Received</th><th className="num">Accepted</th><th className="num">Duplicates</th><th className="num">Rejected</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.run_id}>
                  <td>{time(r.started_at)}</td><td>{r.source}</td><td>{r.files.join(', ')}</td>
                  <td className="num">{fmt(r.received)}</td><td className="num">{fmt(r.accepted)}</td>
                  <td className="num">{fmt(r.duplicates)}</td><td className={`num ${r.rejected ? 'bad' : ''}`}>{fmt(r.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}

function EmptyState() {
  return (
    <section className="card">
      <h2>No evidence yet</h2>
      <p className="empty">
        Nothing has been ingested. Load the demo company with <code>npm run -s custody -- demo</code>, or ingest your own logs with{' '}
        <code>npm run -s custody -- ingest --source gateway gateway.ndjson</code>.
      </p>
    </section>
  )
}

function Sources({ sources }: { sources: SourceOverview[] }) {
  const first = sources.map((s) => s.first_event).filter(Boolean).sort()[0] ?? null
  const last = sources.map((s) => s.last_event).filter(Boolean).sort().at(-1) ?? null
  const actions = sources.reduce((n, s) => n + s.agent_actions, 0)
  return (
    <>
      <div className="stats">
        <div className="stat"><div className="value" data-testid="agent-actions">{fmt(actions)}</div><div className="label">agent actions</div></div>
        <div className="stat"><div className="value">{sources.length}</div><div className="label">sources</div></div>
        <div className="stat"><div className="value" style={{ fontSize: '1rem' }}>{time(first)}<br />{time(last)}</div><div className="label">time range covered</div></div>
      </div>
      <section className="card" aria-labelledby="sources-title">
        <h2 id="sources-title">Sources</h2>
        <SourceChart bars={sources.map((s) => ({ source: s.source, events: s.events }))} />
        <table aria-describedby="sources-title">
          <thead>
            <tr><th>Source</th><th className="num">Events</th><th className="num">Agent actions</th><th>First event</th><th>Last event</th><th>Last ingested</th><th className="num">Rejected (all runs)</th></tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.source} data-testid={`source-${s.source}`}>
                <td>{s.source}</td><td className="num">{fmt(s.events)}</td><td className="num">{fmt(s.agent_actions)}</td>
                <td>{time(s.first_event)}</td><td>{time(s.last_event)}</td><td>{time(s.last_ingested)}</td>
                <td className={`num ${s.rejected ? 'bad' : ''}`}>{fmt(s.rejected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}
