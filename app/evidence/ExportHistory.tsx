import type { Actor } from '@/lib/auth/actor'
import { exportHistoryPage } from '@/lib/evidence/history'
import { formatTime } from '../components/format'
import { load } from '../components/load'
import { Pagination } from '../components/Pagination'
import { Failed } from '../components/Section'

const day = (d: Date) => d.toISOString().slice(0, 10)

/** Every pack handed out, newest first, paginated (`?page=N`). */
export async function ExportHistory({ actor, params }: { actor: Actor; params: URLSearchParams }) {
  const loaded = await load(() => exportHistoryPage(actor, Number(params.get('page') ?? 1)))
  if (!loaded.ok) return <Failed what="the export history" message={loaded.message} />
  const { exports, total, page, pages } = loaded.value
  if (total === 0) return <p className="empty">No pack exported yet.</p>
  return (
    <>
      <div className="scroll">
        <table aria-label="Export history">
          <thead><tr><th>When (UTC)</th><th>Who</th><th>Control</th><th>Period</th><th>Generated as of</th><th>PDF SHA-256</th><th>Key</th></tr></thead>
          <tbody>
            {exports.map((e) => (
              <tr key={e.id} data-testid="export-row">
                <td>{formatTime(e.createdAt.toISOString())}</td>
                <td>{e.createdBy}</td>
                <td data-testid="export-control">{e.control}</td>
                <td>{day(e.from)} to {day(new Date(e.to.getTime() - 1))}</td>
                <td>{e.generatedAt ? formatTime(e.generatedAt.toISOString()) : '—'}</td>
                <td><code data-testid="export-sha256">{e.sha256}</code>{e.fileName && <><br /><small className="muted">{e.fileName}</small></>}</td>
                <td><code>{e.keyFingerprint ?? '—'}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination path="/evidence" params={params} page={page} pages={pages} total={total} />
    </>
  )
}
