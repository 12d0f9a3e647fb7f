import type { ActionRow } from '@/lib/populations/actions'
import { formatTime } from './format'
import { FLAGS } from './labels'

const identityHref = (identity: string) => `/attribution/${encodeURIComponent(identity)}`
const short = (id: string) => (id.length > 22 ? `${id.slice(0, 20)}…` : id)

/** Agent actions with their attribution; each opens its chain of custody. */
export function ActionTable({ rows, showIdentity = true }: { rows: ActionRow[]; showIdentity?: boolean }) {
  return (
    <div className="scroll">
      <table className="dense" data-testid="actions-table">
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            {showIdentity && <th scope="col">Identity</th>}
            <th scope="col">Decided by</th><th scope="col">Credential</th><th scope="col">Server · tool</th><th scope="col">Client</th><th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.event_id} data-testid="action-row">
              <td><a href={`/actions/${encodeURIComponent(a.event_id)}`} aria-label={`Chain of custody of the action at ${formatTime(a.time)}`}>{formatTime(a.time)}</a></td>
              {showIdentity && <td>{a.identity ? <a href={identityHref(a.identity)}>{a.identity}</a> : <span className="stand-out">unattributed</span>}</td>}
              <td>{a.method ? a.method.replace('_', ' ') : <span className="tag flag">{a.reason.replace('_', ' ')}</span>}</td>
              <td className="mono" title={a.credential_id}>{a.credential_id ? <>{a.credential_type && <small>{a.credential_type} </small>}{short(a.credential_id)}</> : '—'}</td>
              <td>{a.server || 'unknown'}{a.tool && <> · <code className="tool">{a.tool}</code></>}</td>
              <td>{a.client || 'unknown'}</td>
              <td>{FLAGS.filter((f) => a[f.key]).map((f) => <span key={f.key} className="tag flag">{f.label.toLowerCase()}</span>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
