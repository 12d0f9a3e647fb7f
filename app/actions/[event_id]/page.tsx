import { notFound } from 'next/navigation'
import { currentActor } from '@/lib/auth/current'
import { custodyChain, type CustodyChain, type IdpRecord } from '@/lib/custody-chain'
import { formatTime } from '../../components/format'
import { FLAGS } from '../../components/labels'
import { RawRecord } from '../../components/RawRecord'
import { segment } from '../../components/url'

export const dynamic = 'force-dynamic'

type Params = Promise<{ event_id: string }>

/**
 * One action's chain of custody: gateway record → credential (or the session seed it inherited
 * from) → the grant that issued it → the identity → its lifecycle, each with its raw record.
 */
export default async function ChainOfCustodyPage({ params }: { params: Params }) {
  const actor = await currentActor('reports:read')
  const eventId = segment((await params).event_id)
  const chain = await custodyChain(actor, eventId)
  if (!chain) notFound()
  const r = chain.request
  return (
    <>
      <p className="crumbs"><a href="/actions">Actions</a> ›</p>
      <h1>Chain of custody</h1>
      <p className="lede">
        {r.method} {r.tool && <code>{r.tool}</code>} on <strong>{r.server || 'unknown server'}</strong> at {formatTime(r.time)} · event <span className="mono">{r.event_id}</span>
      </p>
      <Decision chain={chain} />
      <ol className="chain" data-testid="chain">
        <GatewayStep chain={chain} />
        {chain.seed && <SeedStep chain={chain} />}
        <CredentialStep chain={chain} />
        <GrantStep chain={chain} />
        <IdentityStep chain={chain} />
        <LifecycleStep chain={chain} />
      </ol>
    </>
  )
}

function Decision({ chain }: { chain: CustodyChain }) {
  const d = chain.decision
  const flags = d ? FLAGS.filter((f) => d[f.key]) : []
  return (
    <section className={`decision ${d?.identity && flags.length === 0 ? '' : 'exception'}`} data-testid="decision" aria-label="Attribution decision">
      <h2>{d?.identity ? <>Attributed to <a href={`/attribution/${encodeURIComponent(d.identity)}`}>{d.identity}</a> by {d.method.replace('_', ' ')}</> : d ? `Unattributed: ${d.reason.replace('_', ' ')}` : 'Not an agent action'}</h2>
      <p>{chain.explanation}</p>
      {flags.length > 0 && <p>Flagged: {flags.map((f) => <span key={f.key} className="tag flag">{f.label.toLowerCase()}</span>)}</p>}
    </section>
  )
}

function Step({ title, source, missing, children }: { title: string; source?: string; missing?: boolean; children: React.ReactNode }) {
  return (
    <li className={missing ? 'missing' : undefined}>
      <h3>{title} {source && <span className="source">· source: {source}</span>}</h3>
      {children}
    </li>
  )
}

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.filter(([, v]) => v !== '' && v !== null && v !== undefined).map(([k, v]) => <Fact key={k} name={k} value={v} />)}
    </dl>
  )
}

function Fact({ name, value }: { name: string; value: React.ReactNode }) {
  return <><dt>{name}</dt><dd>{value}</dd></>
}

function GatewayStep({ chain }: { chain: CustodyChain }) {
  const r = chain.request
  return (
    <Step title="Gateway record" source={`${r.source}${r.gateway ? ` (${r.gateway})` : ''}`}>
      <Facts rows={[
        ['Time (UTC)', formatTime(r.time)], ['Method', r.method], ['Outcome', r.outcome], ['Server · tool', `${r.server || 'unknown'}${r.tool ? ` · ${r.tool}` : ''}`],
        ['Client', r.client], ['MCP session', r.session_id && <span className="mono">{r.session_id}</span>],
        ['Credential presented', r.credential_id ? <span className="mono">{r.credential_type ? `${r.credential_type} ` : ''}{r.credential_id}</span> : 'none'],
        ['Auth scheme', r.auth_scheme], ['Subject claim (sub)', r.sub], ['User claim', r.user], ['Token client id', r.token_client_id],
      ]} />
      <p className="muted">Secrets were replaced by their <code>sha256:</code> fingerprints before the record was stored.</p>
      <RawRecord raw={r.raw} label="Raw gateway record" />
    </Step>
  )
}

function SeedStep({ chain }: { chain: CustodyChain }) {
  const s = chain.seed!
  return (
    <Step title="Session seed: the earlier request it inherited from" source={s.source}>
      <Facts rows={[
        ['Request', <a key="seed" href={`/actions/${encodeURIComponent(s.event_id)}`}>{formatTime(s.time)} · {s.method}</a>],
        ['Attributed by', s.rule === 'credential' ? 'rule 1 (credential)' : 'rule 2 (subject claim)'],
        ['Credential it presented', s.credential_id && <span className="mono">{s.credential_id}</span>],
      ]} />
      <RawRecord raw={s.raw} label="Raw gateway record of the seed" />
    </Step>
  )
}

function CredentialStep({ chain }: { chain: CustodyChain }) {
  const c = chain.credential
  const before = (t: string | null) => (t && t < chain.request.time ? <span className="stand-out">{formatTime(t)}, before this action</span> : formatTime(t))
  if (!c) return <Step title="Credential" missing><p>No credential: the action presented none{chain.seed ? ', and its session seed presented none either' : ''}.</p></Step>
  return (
    <Step title={c.presented ? 'Credential it presented' : 'Credential of the session seed'} source={c.issuer_source || undefined} missing={!c.known}>
      <Facts rows={[
        ['Credential id', <span key="id" className="mono">{c.credential_id}</span>], ['Type', c.type],
        ['Subject', c.subject ? <a key="s" href={`/attribution/${encodeURIComponent(c.subject)}`}>{c.subject}</a> : <span className="stand-out">none known</span>],
        ['OAuth client', c.client_id], ['Issued (UTC)', formatTime(c.issued_at)], ['Expires (UTC)', c.expires_at ? before(c.expires_at) : 'never, as far as the evidence shows'],
        ['Revoked (UTC)', c.revoked_at ? before(c.revoked_at) : 'not revoked'], ['Last used (UTC)', formatTime(c.last_used_at)],
        ['Known to an IdP or the inventory', c.known ? 'yes' : <span className="stand-out">no: only a gateway saw it</span>],
      ]} />
    </Step>
  )
}

function GrantStep({ chain }: { chain: CustodyChain }) {
  const g = chain.grant
  if (!g) {
    return (
      <Step title="Grant that issued it" missing>
        <p>{chain.credential ? 'No IdP log or key inventory records the issue of this credential.' : 'No credential, so no grant.'}</p>
      </Step>
    )
  }
  return (
    <Step title="Grant that issued it" source={g.source}>
      <Facts rows={[['Event', g.vendor_event_type], ['Time (UTC)', formatTime(g.time)], ['Subject id in the source', g.subject_id && <span className="mono">{g.subject_id}</span>]]} />
      <RawRecord raw={g.raw} label={`Raw ${g.source} record`} />
    </Step>
  )
}

function IdentityStep({ chain }: { chain: CustodyChain }) {
  const i = chain.identity
  if (!i) return <Step title="Identity" missing><p>No identity: the action is unattributed.</p></Step>
  return (
    <Step title="Identity" source={i.record?.source}>
      <Facts rows={[
        ['Identity', <a key="i" href={`/attribution/${encodeURIComponent(i.identity)}`}>{i.identity}</a>],
        ['Kind', i.kind === 'service' ? 'service account' : 'person'], ['Display name', i.display_name],
        ['Owner', i.kind === 'service' ? (i.owner ?? <span className="stand-out">ownerless</span>) : ''],
      ]} />
      {i.record && <RawRecord raw={i.record.raw} label={`Raw ${i.record.source} record naming it`} />}
    </Step>
  )
}

const LIFECYCLE_LABEL: Record<IdpRecord['kind'], string> = {
  trigger: 'Deprovisioning trigger',
  revocation: 'Revocation of this credential',
  subject_revocation: 'Revocation of all its tokens',
  identity: 'Identity record',
  credential: 'Grant',
}

function LifecycleStep({ chain }: { chain: CustodyChain }) {
  if (chain.lifecycle.length === 0) {
    return <Step title="Lifecycle: triggers and revocations"><p>No trigger or revocation recorded for {chain.identity ? 'this identity or credential' : 'this credential'}.</p></Step>
  }
  const at = chain.request.time
  return (
    <Step title="Lifecycle: triggers and revocations">
      <ul className="lifecycle">
        {chain.lifecycle.map((e) => (
          <li key={`${e.event_id}-${e.fact_index}`}>
            <strong>{LIFECYCLE_LABEL[e.kind]}</strong> · {e.vendor_event_type} · {formatTime(e.time)} · {e.source}{' '}
            <span className={`tag ${e.time < at ? 'flag' : 'ok'}`}>{e.time < at ? 'before this action' : 'after this action'}</span>
            <RawRecord raw={e.raw} />
          </li>
        ))}
      </ul>
    </Step>
  )
}
