import type { Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { recentIngestRuns } from '@/lib/overview/ingest-runs'
import { BadPeriod } from '../components/BadPeriod'
import { CoverageTable } from '../components/CoverageTable'
import { Download } from '../components/Download'
import { formatTime } from '../components/format'
import { load } from '../components/load'
import { PageHead } from '../components/PageHead'
import { resolvePeriod } from '../components/period'
import { Failed, Section } from '../components/Section'
import { toParams, type Search } from '../components/url'

export const dynamic = 'force-dynamic'

export default async function CoveragePage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Coverage" path="/coverage" error={resolved.error} />
  const { period } = resolved
  return (
    <>
      <PageHead title="Coverage" path="/coverage" params={params} period={period}
        lede="What the evidence stands on: per source, its first and last event in the period and the days it delivered nothing. A silent day is a question an auditor will ask." />
      <Section title="Sources in the period" actions={<Download path="/coverage" params={params} />}>
        <CoverageTable actor={actor} period={period} />
      </Section>
      <Section title="Recent ingest runs" lede="The ingest ledger (all time): what each run read, accepted, skipped as a duplicate and rejected.">
        <IngestRuns actor={actor} />
      </Section>
    </>
  )
}

async function IngestRuns({ actor }: { actor: Actor }) {
  const loaded = await load(() => recentIngestRuns(actor, 10))
  if (!loaded.ok) return <Failed what="the ingest ledger" message={loaded.message} />
  const runs = loaded.value
  if (runs.length === 0) return <p className="empty">No ingest has run yet: <code>npm run -s custody -- ingest --source gateway gateway.ndjson</code>.</p>
  const n = (v: number) => v.toLocaleString('en-US')
  return (
    <table className="dense">
      <thead>
        <tr><th scope="col">Started (UTC)</th><th scope="col">Source</th><th scope="col">Files</th><th scope="col" className="num">Received</th><th scope="col" className="num">Accepted</th><th scope="col" className="num">Duplicates</th><th scope="col" className="num">Rejected</th></tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={r.run_id}>
            <td>{formatTime(r.started_at)}</td><td>{r.source}</td><td className="mono">{r.files.join(', ')}</td>
            <td className="num">{n(r.received)}</td><td className="num">{n(r.accepted)}</td>
            <td className="num">{n(r.duplicates)}</td><td className={`num ${r.rejected ? 'bad' : ''}`}>{n(r.rejected)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
