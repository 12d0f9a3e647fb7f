import type { Actor } from '@/lib/auth/actor'
import { controlsOf, reportsOf, type ControlId, type PackReports } from '@/lib/evidence/controls'
import type { ReportName } from '@/lib/reports'
import { load } from '../components/load'
import { Metric } from '../components/Metric'
import { pageReport } from '../components/report'
import { Failed } from '../components/Section'
import { Verdict } from '../components/Verdict'
import type { NumberFormat } from '../components/format'

/** Each metric of the control as its pack prints it (lib/evidence/controls.ts), from the reports the pages show. */
export async function ControlPreview({ actor, control, period }: { actor: Actor; control: ControlId; period: { from: Date; to: Date } }) {
  const loaded = await load(async () => {
    const reports: PackReports = {}
    for (const name of reportsOf(control)) Object.assign(reports, { [name]: await pageReport(actor, name as ReportName, period) })
    return controlsOf(control).map((c) => ({ control: c, metrics: c.metrics(reports) }))
  })
  if (!loaded.ok) return <Failed what="the control's reports" message={loaded.message} />
  return loaded.value.map(({ control: c, metrics }) => (
    <div key={c.id} data-control={c.id}>
      <h3>{c.id} · {c.criterion}</h3>
      <table>
        <thead><tr><th>Metric</th><th>Value</th><th>Threshold</th></tr></thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={m.key}>
              <td>{m.label}</td>
              <td className="num"><Metric metric={m.key} value={m.value} format={formatOf(m.key)} /></td>
              <td>{m.verdict ? <Verdict pass={m.verdict.pass} rule={m.verdict.rule} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  ))
}

function formatOf(key: string): NumberFormat {
  if (key.endsWith('_ratio')) return 'ratio'
  if (key.includes('latency_seconds')) return 'seconds'
  if (key.includes('age_days')) return 'days'
  return 'count'
}
