import { mayDo, type UserActor } from '@/lib/auth/actor'

/** Evidence first, in the order an auditor walks it; then Custody's own pages. */
const EVIDENCE = [
  { href: '/', label: 'Overview' },
  { href: '/attribution', label: 'Attribution' },
  { href: '/actions', label: 'Actions' },
  { href: '/unattributed', label: 'Unattributed' },
  { href: '/token-age', label: 'Token age' },
  { href: '/revocation-latency', label: 'Revocation latency' },
  { href: '/off-gateway', label: 'Off-gateway' },
  { href: '/coverage', label: 'Coverage' },
]

// The navigation only hides links; each page checks the actor itself (lib/auth/current.ts).
export function Nav({ actor, path }: { actor: UserActor; path: string }) {
  const current = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`)) ? 'page' : undefined
  return (
    <nav aria-label="Main" className="main-nav">
      <ul>
        {EVIDENCE.map((l) => <li key={l.href}><a href={l.href} aria-current={current(l.href)}>{l.label}</a></li>)}
      </ul>
      <ul className="secondary">
        <li><a href="/evidence" aria-current={current('/evidence')}>Evidence</a></li>
        <li><a href="/alerts" aria-current={current('/alerts')}>Alerts</a></li>
        <li><a href="/thresholds" aria-current={current('/thresholds')}>Thresholds</a></li>
        <li><a href="/audit" aria-current={current('/audit')}>Audit trail</a></li>
        {mayDo(actor, 'users:manage') && <li><a href="/users" aria-current={current('/users')}>Users</a></li>}
        {mayDo(actor, 'thresholds:write') && <li><a href="/alerts/destinations" aria-current={current('/alerts/destinations')}>Notifications</a></li>}
        {mayDo(actor, 'ingest-tokens:manage') && <li><a href="/tokens" aria-current={current('/tokens')}>Ingest tokens</a></li>}
      </ul>
    </nav>
  )
}
