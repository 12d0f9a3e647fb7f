import { mayDo, type Actor } from '@/lib/auth/actor'
import { currentActor } from '@/lib/auth/current'
import { CONTROL_IDS, controlSummary, isControlId, type ControlId } from '@/lib/evidence/controls'
import { BadPeriod } from '../components/BadPeriod'
import { PageHead } from '../components/PageHead'
import { resolvePeriod, type PagePeriod } from '../components/period'
import { Section } from '../components/Section'
import { toParams, type Search } from '../components/url'
import { ControlPreview } from './ControlPreview'
import { ExportHistory } from './ExportHistory'
import { SamplePanel } from './SamplePanel'
import { SigningKeys } from './SigningKeys'

export const dynamic = 'force-dynamic'

export default async function EvidencePage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Evidence" path="/evidence" error={resolved.error} />
  const { period } = resolved
  const asked = params.get('control') ?? 'all'
  const control: ControlId = isControlId(asked) ? asked : 'all'
  return (
    <>
      <PageHead title="Evidence" path="/evidence" params={params} period={period}
        lede="Signed PDF packs per SOC 2 control for the auditor, the samples drawn for them, every pack handed out, and the key that signs them. Every number is the one the report pages show." />
      <ControlPicker control={control} period={period} />
      <Section title={`Preview: ${control === 'all' ? 'all controls' : control}`} lede="The control's numbers for the period, against their thresholds, as its pack will print them.">
        <ControlPreview actor={actor} control={control} period={period} />
      </Section>
      <section className="card" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <ExportForm actor={actor} control={control} period={period} />
      </section>
      <Section title="Samples" lede="Auditors test controls on samples they can reproduce: a sample is drawn inside the database by its seed, and the same period, size and seed give the same items on any machine.">
        <SamplePanel actor={actor} control={control} period={period} shown={params.get('sample')} />
      </Section>
      <Section title="Export history" lede="Every pack handed out, with the SHA-256 of its PDF: an auditor's copy matches one of these. Each export is in the audit trail too.">
        <ExportHistory actor={actor} params={params} />
      </Section>
      <Section title="Signing key" lede="Every pack and its manifest are signed with Ed25519. Give the auditor this fingerprint out of band; custody verify --key checks a pack against it. Packs signed by a retired key stay verifiable.">
        <SigningKeys actor={actor} />
      </Section>
    </>
  )
}

function ControlPicker({ control, period }: { control: ControlId; period: PagePeriod }) {
  return (
    <form method="get" action="/evidence" className="row" aria-label="Control">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <label htmlFor="evidence-control">Control</label>
      <select id="evidence-control" name="control" defaultValue={control}>
        {CONTROL_IDS.map((id) => {
          const { criterion, holds } = controlSummary(id)
          return <option key={id} value={id}>{id} — {criterion}: {holds}</option>
        })}
      </select>
      <button type="submit">Show</button>
    </form>
  )
}

/** Only roles that may export see the control; everyone else reads why not. */
function ExportForm({ actor, control, period }: { actor: Actor; control: ControlId; period: PagePeriod }) {
  if (!mayDo(actor, 'evidence:export')) {
    return <p className="empty" data-testid="no-export">Your role reads evidence but does not export it: compliance, security and admin users export packs.</p>
  }
  // fixed now, so the PDF and its manifest file asked for from this page are one pack
  const asOf = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString()
  return (
    <form method="post" action="/evidence/export" className="row" aria-label="Export an evidence pack">
      <input type="hidden" name="control" value={control} />
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <input type="hidden" name="as_of" value={asOf} />
      <span>The {control === 'all' ? 'all-controls' : control} pack for this period, generated as of <time dateTime={asOf}>{asOf}</time> (reload for now). Rendering takes a few seconds.</span>
      <button type="submit" name="file" value="pdf">Export the PDF</button>
      <button type="submit" name="file" value="manifest">Download its manifest file</button>
    </form>
  )
}
