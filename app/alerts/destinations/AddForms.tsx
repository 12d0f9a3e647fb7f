import { ActionForm } from '@/app/components/ActionForm'
import { addDestinationAction } from './actions'

/** One form per kind: each asks only what its kind needs. Secrets go in password fields and are never sent back. */
export function AddForms() {
  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">Add a destination</h2>
      <h3>Webhook (signed JSON)</h3>
      <p>
        Custody posts each alert that fires or resolves as JSON, signed: <code>X-Custody-Signature: sha256=&lt;hex&gt;</code> is the
        HMAC-SHA256 of <code>&lt;X-Custody-Timestamp&gt;.&lt;body&gt;</code> keyed with the secret below (see the README for receivers).
      </p>
      <ActionForm action={addDestinationAction} label="Add a webhook" className="row">
        <input type="hidden" name="kind" value="webhook" />
        <label htmlFor="webhook-name">Name</label>
        <input id="webhook-name" name="name" required maxLength={100} />
        <label htmlFor="webhook-url">URL (http or https)</label>
        <input id="webhook-url" name="url" type="url" required />
        <label htmlFor="webhook-secret">Signing secret (16+ characters)</label>
        <input id="webhook-secret" name="secret" type="password" required minLength={16} autoComplete="off" />
        <button type="submit">Add webhook</button>
      </ActionForm>
      <h3>Slack incoming webhook</h3>
      <p>The whole URL Slack gives is the credential: it is stored sealed, and only its host and last 4 characters are shown.</p>
      <ActionForm action={addDestinationAction} label="Add a Slack webhook" className="row">
        <input type="hidden" name="kind" value="slack" />
        <label htmlFor="slack-name">Name</label>
        <input id="slack-name" name="name" required maxLength={100} />
        <label htmlFor="slack-url">Webhook URL</label>
        <input id="slack-url" name="url" type="password" required autoComplete="off" />
        <button type="submit">Add Slack</button>
      </ActionForm>
      <h3>E-mail (SMTP)</h3>
      <p>TLS: <em>tls</em> from the first byte (usually port 465), <em>starttls</em> upgrade required (587), <em>none</em> only for a relay on this machine.</p>
      <ActionForm action={addDestinationAction} label="Add an e-mail destination" className="row">
        <input type="hidden" name="kind" value="email" />
        <label htmlFor="email-name">Name</label>
        <input id="email-name" name="name" required maxLength={100} />
        <label htmlFor="email-host">SMTP host</label>
        <input id="email-host" name="host" required />
        <label htmlFor="email-port">Port</label>
        <input id="email-port" name="port" type="number" min={1} max={65535} defaultValue={587} required />
        <label htmlFor="email-tls">TLS</label>
        <select id="email-tls" name="tls" defaultValue="starttls">
          <option value="starttls">starttls</option>
          <option value="tls">tls</option>
          <option value="none">none</option>
        </select>
        <label htmlFor="email-user">User (optional)</label>
        <input id="email-user" name="user" autoComplete="off" />
        <label htmlFor="email-password">Password (optional)</label>
        <input id="email-password" name="password" type="password" autoComplete="off" />
        <label htmlFor="email-from">From</label>
        <input id="email-from" name="from" type="email" required />
        <label htmlFor="email-to">To (comma-separated)</label>
        <input id="email-to" name="to" required />
        <button type="submit">Add e-mail</button>
      </ActionForm>
    </section>
  )
}
