import type { Actor } from '@/lib/auth/actor'
import { recordView } from '@/lib/auth/audit-trail'
import { currentActor } from '@/lib/auth/current'
import { actionTrend, trendBucket } from '@/lib/overview/trend'
import { actionsPage } from '@/lib/populations/actions'
import { ActionTable } from '../../components/ActionTable'
import { BadPeriod } from '../../components/BadPeriod'
import { ChartTable } from '../../components/ChartTable'
import { CredentialList } from '../../components/CredentialList'
import { Download } from '../../components/Download'
import { formatDay } from '../../components/format'
import { FLAGS, METHODS } from '../../components/labels'
import { load } from '../../components/load'
import { Metric } from '../../components/Metric'
import { PageHead } from '../../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../../components/period'
import { pageReport } from '../../components/report'
import { Failed, Section } from '../../components/Section'
import { TriggerList } from '../../components/TriggerList'
import { hrefTo, periodQuery, segment, toParams, type Search } from '../../components/url'

export const dynamic = 'force-dynamic'

type Params = Promise<{ identity: string }>

export default async function PersonPage({ params, searchParams }: { params: Params; searchParams: Search }) {
  const actor = await currentActor('people:read')
  const identity = segment((await params).identity)
  const query = toParams(await searchParams)
  const path = `/attribution/${encodeURIComponent(identity)}`
  const resolved = await resolvePeriod(actor, query)
  if ('error' in resolved) return <BadPeriod title={identity} path={path} error={resolved.error} />
  const { period } = resolved
  // Who looked at whom is evidence too (issue 8, point 7).
  await recordView(actor, identity)
  const props = { actor, period, identity }
  return (
    <>
      <p className="crumbs"><a href={hrefTo('/attribution', periodQuery(period))}>Attribution</a> ›</p>
      <PageHead title={identity} path={path} params={query} period={period}
        lede="One person or service account: what its agents did in the period, the credentials it holds, the triggers that removed its access, and its flagged actions." />
      <Section title="Accountable for">
        <Summary {...props} />
      </Section>
      <Section title="Actions over time">
        <Trend {...props} />
      </Section>
      <Section title="Credentials" lede="Credentials whose subject is this identity, live in the period.">
        <CredentialList actor={actor} period={period} params={query} identity={identity} />
      </Section>
      <Section title="Deprovisioning triggers" lede="Triggers for this identity in the period, and how fast its credentials closed.">
        <TriggerList actor={actor} period={period} params={query} identity={identity} />
      </Section>
      <Section title="Flagged actions" actions={<Download path={path} params={query} label="Download all its actions (CSV)" />}>
        <Flagged {...props} />
      </Section>
    </>
  )
}

type Props = { actor: Actor; period: PagePeriod; identity: string }

async function Summary({ actor, period, identity }: Props) {
  const loaded = await load(() => pageReport(actor, 'attribution', period))
  if (!loaded.ok) return <Failed what="the attribution report" message={loaded.message} />
  const row = loaded.value.identities.find((i) => i.identity === identity)
  if (!row) return <p className="empty">No agent action in this period is attributed to {identity}. Choose another period, or check the identity’s key (a lower-cased e-mail, <code>client:&lt;id&gt;</code> or <code>svc:&lt;name&gt;</code>).</p>
  const m = (key: string) => `attribution.identities[${identity}].${key}`
  const q = { ...periodQuery(period), identity }
  return (
    <div className="grid2">
      <dl className="facts">
        <dt>Kind</dt><dd>{row.kind === 'service' ? 'service account' : 'person'}</dd>
        <dt>Display name</dt><dd>{row.display_name ?? '—'}</dd>
        {row.kind === 'service' && (
          <><dt>Owner</dt><dd>{row.owner ? <a href={hrefTo(`/attribution/${encodeURIComponent(row.owner)}`, periodQuery(period))}>{row.owner}</a> : <span className="stand-out" data-testid="ownerless">Ownerless: no person is accountable for this service account</span>}</dd></>
        )}
        <dt>Agent actions</dt><dd><a href={hrefTo('/actions', q)}><Metric metric={m('actions')} value={row.actions} /></a></dd>
        <dt>Servers · tools · clients</dt><dd><Metric metric={m('servers')} value={row.servers} /> · <Metric metric={m('tools')} value={row.tools} /> · <Metric metric={m('clients')} value={row.clients} /></dd>
        <dt>First action</dt><dd><Metric metric={m('first_action')} value={row.first_action} format="time" /></dd>
        <dt>Last action</dt><dd><Metric metric={m('last_action')} value={row.last_action} format="time" /></dd>
      </dl>
      <table className="dense">
        <thead><tr><th scope="col">Decided by</th><th scope="col" className="num">Actions</th></tr></thead>
        <tbody>
          {METHODS.map((x) => (
            <tr key={x.key}><th scope="row">{x.label}</th><td className="num"><a href={hrefTo('/actions', { ...q, method: x.key })}><Metric metric={m(`by_method.${x.key}`)} value={row.by_method[x.key]} /></a></td></tr>
          ))}
          {FLAGS.map((x) => (
            <tr key={x.key}><th scope="row">Flagged: {x.label.toLowerCase()}</th>
              <td className={`num ${row.flagged[x.key] ? 'bad' : ''}`}><a href={hrefTo('/actions', { ...q, flag: x.key })}><Metric metric={m(`flagged.${x.key}`)} value={row.flagged[x.key]} /></a></td></tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

async function Trend({ actor, period, identity }: Props) {
  const loaded = await load(() => actionTrend(actor, period, identity))
  if (!loaded.ok) return <Failed what="the actions over time" message={loaded.message} />
  if (loaded.value.every((p) => p.total === 0)) return <p className="empty">No agent actions by {identity} in this period.</p>
  const rows = loaded.value.map((p) => ({ label: formatDay(p.start), total: p.total, after_deprovision: p.after_deprovision }))
  return (
    <ChartTable title={`Agent actions by ${identity}`} xLabel={trendBucket(period) === 'day' ? 'day (UTC)' : 'week from (UTC)'} yLabel="actions" unit="count"
      series={[{ key: 'total', name: 'actions' }, { key: 'after_deprovision', name: 'after deprovisioning' }]} rows={rows} />
  )
}

const SHOWN_FLAGGED = 25

async function Flagged({ actor, period, identity }: Props) {
  const loaded = await load(() => actionsPage(actor, period, { identity, flag: 'any' }, { per: SHOWN_FLAGGED }))
  if (!loaded.ok) return <Failed what="the flagged actions" message={loaded.message} />
  const { rows, total } = loaded.value
  if (total === 0) return <p className="empty">None of its actions in this period was flagged (after expiry, revocation or deprovisioning, or with conflicting evidence).</p>
  return (
    <>
      <p data-testid="flagged-total">
        <strong>{total.toLocaleString('en-US')}</strong> flagged {total === 1 ? 'action' : 'actions'}, oldest first
        {total > rows.length && <>: <a href={hrefTo('/actions', { ...periodQuery(period), identity, flag: 'any' })}>all of them</a></>}.
      </p>
      <ActionTable rows={rows} showIdentity={false} />
    </>
  )
}
