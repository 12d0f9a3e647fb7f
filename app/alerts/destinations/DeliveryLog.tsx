import type { DeliveryLogRow } from '@/lib/notifications/destinations'

const time = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ')

/** Every attempt, newest first: a delivery retried three times is three rows with one delivery id. */
export function DeliveryLog({ rows }: { rows: DeliveryLogRow[] }) {
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">Delivery log</h2>
      <p>The latest {rows.length} attempts (UTC). A delivery is retried with growing waits; after its last attempt it is marked failed.</p>
      <table className="dense" data-testid="delivery-log">
        <thead>
          <tr><th>Time</th><th>Destination</th><th>Event</th><th>Rule</th><th>Subject</th><th>Attempt</th><th>Answer</th><th>Took</th><th>Delivery</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.deliveryId}-${r.attempt}`}>
              <td>{time(r.at)}</td>
              <td>{r.destination}</td>
              <td>{r.event}</td>
              <td>{r.rule}</td>
              <td>{r.subject}</td>
              <td>{r.attempt}</td>
              <td className={r.error ? 'bad' : ''}>{r.error ?? `${r.statusCode ?? 'sent'}`}</td>
              <td>{r.durationMs} ms</td>
              <td className="mono" title={r.deliveryId}>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
