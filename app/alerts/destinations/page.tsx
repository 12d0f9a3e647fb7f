import { ActionForm } from '@/app/components/ActionForm'
import { currentActor } from '@/lib/auth/current'
import { emailSettingsSchema, slackSettingsSchema, webhookSettingsSchema } from '@/lib/notifications/destination-input'
import { deliveryLog, listDestinations, type DestinationView } from '@/lib/notifications/destinations'
import { deleteDestinationAction, enableDestinationAction, testDestinationAction } from './actions'
import { AddForms } from './AddForms'
import { DeliveryLog } from './DeliveryLog'

export const dynamic = 'force-dynamic'

export default async function DestinationsPage() {
  const actor = await currentActor('thresholds:write')
  const [destinations, log] = await Promise.all([listDestinations(actor), deliveryLog(actor, { limit: 100 })])
  return (
    <>
      <h1>Notification destinations</h1>
      <p className="lede">
        Where alerts go when they fire or resolve, within a minute of the data that shows them. Secrets are stored sealed and never
        shown again; every change is in the <a href="/audit">audit trail</a>.
      </p>
      <section className="card" aria-labelledby="destinations-title">
        <h2 id="destinations-title">{destinations.length} destinations</h2>
        <table>
          <thead>
            <tr><th>Name</th><th>Kind</th><th>Sends to</th><th>Secret</th><th>Status</th><th>Test</th><th>Enable</th><th>Delete</th></tr>
          </thead>
          <tbody>
            {destinations.map((d) => <DestinationRow key={d.id} destination={d} />)}
          </tbody>
        </table>
      </section>
      <AddForms />
      <DeliveryLog rows={log} />
    </>
  )
}

function sendsTo(d: DestinationView): string {
  if (d.kind === 'webhook') return webhookSettingsSchema.parse(d.settings).url
  if (d.kind === 'slack') return slackSettingsSchema.parse(d.settings).origin
  const s = emailSettingsSchema.parse(d.settings)
  return `${s.host}:${s.port} (${s.tls}) → ${s.to.join(', ')}`
}

function DestinationRow({ destination: d }: { destination: DestinationView }) {
  return (
    <tr data-testid={`destination-${d.name}`}>
      <td>{d.name}</td>
      <td>{d.kind}</td>
      <td className="mono">{sendsTo(d)}</td>
      <td>{d.secretHint ? `set, ends …${d.secretHint}` : '—'}</td>
      <td data-testid="status">{d.enabled ? 'enabled' : 'disabled'}</td>
      <td>
        <ActionForm action={testDestinationAction} label={`Send a test to ${d.name}`}>
          <input type="hidden" name="id" value={d.id} />
          <button type="submit" disabled={!d.enabled}>Send test</button>
        </ActionForm>
      </td>
      <td>
        <ActionForm action={enableDestinationAction} label={`${d.enabled ? 'Disable' : 'Enable'} ${d.name}`}>
          <input type="hidden" name="id" value={d.id} />
          <input type="hidden" name="enabled" value={String(!d.enabled)} />
          <button type="submit">{d.enabled ? 'Disable' : 'Enable'}</button>
        </ActionForm>
      </td>
      <td>
        <ActionForm action={deleteDestinationAction} label={`Delete ${d.name}`}>
          <input type="hidden" name="id" value={d.id} />
          <button type="submit">Delete</button>
        </ActionForm>
      </td>
    </tr>
  )
}
