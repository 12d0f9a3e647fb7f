import { currentActor } from '@/lib/auth/current'
import { listIngestTokens, type IngestTokenView } from '@/lib/intake/tokens'
import { INGESTIBLE_SOURCES } from '@/lib/sources'
import { createTokenAction, revokeTokenAction, rotateTokenAction } from './actions'
import { ActionForm } from '@/app/components/ActionForm'

export const dynamic = 'force-dynamic'

const time = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—')

export default async function TokensPage() {
  const actor = await currentActor('ingest-tokens:manage')
  const tokens = await listIngestTokens(actor)
  const now = new Date()
  return (
    <>
      <h1>Ingest tokens</h1>
      <p className="lede">
        Gateways and log shippers post to <code>/api/ingest/&lt;source&gt;</code>, <code>/v1/traces</code> and <code>/v1/logs</code> with{' '}
        <code>Authorization: Bearer &lt;token&gt;</code>. A token is shown once and stored only as a hash; each change is in the{' '}
        <a href="/audit">audit trail</a>, and each token is a credential in the token-age evidence.
      </p>
      <section className="card" aria-labelledby="create-title">
        <h2 id="create-title">Create a token</h2>
        <ActionForm action={createTokenAction} label="Create an ingest token" className="row" shownOnceTestId="new-token">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" name="name" required maxLength={200} />
          <fieldset>
            <legend>Sources (none ticked: every source)</legend>
            {INGESTIBLE_SOURCES.map((source) => (
              <label key={source}>
                <input type="checkbox" name="sources" value={source} /> {source}
              </label>
            ))}
          </fieldset>
          <label htmlFor="token-expires">Expires (UTC date, optional)</label>
          <input id="token-expires" name="expires" type="date" />
          <button type="submit">Create</button>
        </ActionForm>
      </section>
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{tokens.length} tokens</h2>
        <table>
          <thead>
            <tr><th>Name</th><th>Sources</th><th>Status</th><th>Created</th><th>Expires</th><th>Last used</th><th>Rotate</th><th>Revoke</th></tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <TokenRow key={token.id} token={token} now={now} />
            ))}
          </tbody>
        </table>
      </section>
    </>
  )
}

function TokenRow({ token, now }: { token: IngestTokenView; now: Date }) {
  const live = !token.revokedAt && !(token.expiresAt && token.expiresAt <= now)
  const status = token.revokedAt ? `revoked ${time(token.revokedAt)}` : live ? 'valid' : 'expired'
  return (
    <tr data-testid={`token-${token.id}`}>
      <td>{token.name}</td>
      <td>{token.sources?.join(', ') ?? 'all'}</td>
      <td className={live ? '' : 'bad'} data-testid="status">{status}</td>
      <td>{time(token.createdAt)} by {token.createdBy}</td>
      <td>{time(token.expiresAt)}</td>
      <td>{time(token.lastUsedAt)}</td>
      {/* The forms stay mounted once a token is no longer live: their answer (a rotated token's successor) stays on screen. */}
      <td>
        <ActionForm action={rotateTokenAction} label={`Rotate ${token.name}`} className="row" shownOnceTestId="new-token">
          <input type="hidden" name="id" value={token.id} />
          <label htmlFor={`grace-${token.id}`}>Old one valid for (hours)</label>
          <input id={`grace-${token.id}`} name="graceHours" type="number" min={0} max={720} step="any" defaultValue={24} disabled={!live} />
          <button type="submit" disabled={!live}>Rotate</button>
        </ActionForm>
      </td>
      <td>
        <ActionForm action={revokeTokenAction} label={`Revoke ${token.name}`}>
          <input type="hidden" name="id" value={token.id} />
          <button type="submit" disabled={Boolean(token.revokedAt)}>Revoke</button>
        </ActionForm>
      </td>
    </tr>
  )
}
