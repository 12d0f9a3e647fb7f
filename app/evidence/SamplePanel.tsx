import { mayDo, type Actor } from '@/lib/auth/actor'
import type { ControlId } from '@/lib/evidence/controls'
import { MAX_RECORDED_SAMPLE, recordedSample, recordedSamples, SAMPLE_POPULATIONS, SUGGESTED_SAMPLE_SIZES, type RecordedSample } from '@/lib/samples'
import { ActionForm } from '../components/ActionForm'
import { formatTime } from '../components/format'
import { load } from '../components/load'
import { Failed } from '../components/Section'
import { hrefTo, periodQuery } from '../components/url'
import { drawSampleAction } from './actions'

type Props = { actor: Actor; control: ControlId; period: { from: Date; to: Date }; shown: string | null }

/** The suggested sizes beside the picker, the samples recorded for the period, and the one just drawn (or picked) with its items. */
export async function SamplePanel({ actor, control, period, shown }: Props) {
  const loaded = await load(async () => ({
    recorded: await recordedSamples(actor, period),
    shown: shown && /^[0-9a-f-]{36}$/.test(shown) ? await recordedSample(actor, shown) : null,
  }))
  if (!loaded.ok) return <Failed what="the samples" message={loaded.message} />
  return (
    <>
      <div className="sample-picker">
        {mayDo(actor, 'evidence:export') ? <DrawForm control={control} period={period} /> : (
          <p className="empty">Compliance, security and admin users draw samples here; anyone can draw the same one again with <code>custody sample</code> and its seed.</p>
        )}
        <SuggestedSizes />
      </div>
      {loaded.value.shown && <SampleItems recorded={loaded.value.shown} />}
      <RecordedList recorded={loaded.value.recorded} control={control} period={period} />
    </>
  )
}

function DrawForm({ control, period }: { control: ControlId; period: { from: Date; to: Date } }) {
  return (
    <ActionForm action={drawSampleAction} label="Draw a sample" className="stack">
      <input type="hidden" name="from" value={period.from.toISOString()} />
      <input type="hidden" name="to" value={period.to.toISOString()} />
      <input type="hidden" name="control" value={control} />
      <label htmlFor="sample-population">Population</label>
      <select id="sample-population" name="population" defaultValue="triggers">
        {SAMPLE_POPULATIONS.map((p) => <option key={p} value={p}>{p}</option>)}
      </select>
      <label htmlFor="sample-size">Size</label>
      <input id="sample-size" name="size" type="number" min={1} max={MAX_RECORDED_SAMPLE} defaultValue={25} required aria-describedby="suggested-sizes" />
      <label htmlFor="sample-seed">Seed (recorded with the sample)</label>
      <input id="sample-seed" name="seed" required maxLength={200} defaultValue={`${control}-${period.from.toISOString().slice(0, 10)}`} />
      <button type="submit">Draw and record</button>
    </ActionForm>
  )
}

function SuggestedSizes() {
  return (
    <table id="suggested-sizes" aria-label="Suggested sample sizes by control frequency">
      <caption>Suggested sizes by how often the control runs (AICPA guidance as auditors apply it)</caption>
      <thead><tr><th>Control runs</th><th>Sample</th></tr></thead>
      <tbody>
        {SUGGESTED_SAMPLE_SIZES.map((s) => (
          <tr key={s.frequency} data-frequency={s.frequency}>
            <td>{s.label}</td>
            <td className="num">{s.min === s.max ? s.min : `${s.min}–${s.max}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function SampleItems({ recorded }: { recorded: RecordedSample }) {
  const { sample } = recorded
  return (
    <div id="sample" data-testid="sample">
      <h3>
        {sample.items.length} of {sample.population_size.toLocaleString('en-US')} {sample.population}, seed <code>{sample.seed}</code>
      </h3>
      <p>
        Drawn by {recorded.drawnBy} at {formatTime(recorded.drawnAt.toISOString())}. Again with{' '}
        <code>custody sample --population {sample.population} --from {sample.from} --to {sample.to} --size {sample.size} --seed {JSON.stringify(sample.seed)} --as-of {recorded.drawnAt.toISOString()}</code>{' '}
        <a className="download" href={`/evidence/sample?id=${recorded.id}`} download>⤓ Download as CSV</a>{' '}
        <a className="download" href={hrefTo('/evidence/sample', { population: sample.population, from: sample.from, to: sample.to, size: String(sample.size), seed: sample.seed, as_of: recorded.drawnAt.toISOString() })} download>
          ⤓ Draw it again (CSV)
        </a>
      </p>
      {sample.items.length === 0 ? <p className="empty">The population is empty for this period: nothing to draw.</p> : (
        <div className="scroll">
          <table>
            <thead><tr><th>#</th>{recorded.columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {sample.items.map((item, i) => (
                <tr key={i} data-testid="sample-item">
                  <td className="num">{i + 1}</td>
                  {recorded.columns.map((c) => <td key={c}>{cell(item[c])}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function RecordedList({ recorded, control, period }: { recorded: RecordedSample[]; control: ControlId; period: { from: Date; to: Date } }) {
  if (recorded.length === 0) return <p className="empty">No sample drawn for this period yet.</p>
  return (
    <table aria-label="Samples drawn for this period">
      <caption>Samples drawn for this period (they go into its packs)</caption>
      <thead><tr><th>Drawn (UTC)</th><th>By</th><th>Population</th><th>Seed</th><th>Size</th><th>Of</th><th></th></tr></thead>
      <tbody>
        {recorded.map((r) => (
          <tr key={r.id} data-testid="recorded-sample">
            <td>{formatTime(r.drawnAt.toISOString())}</td>
            <td>{r.drawnBy}</td>
            <td>{r.sample.population}</td>
            <td><code>{r.sample.seed}</code></td>
            <td className="num">{r.sample.items.length}</td>
            <td className="num">{r.sample.population_size.toLocaleString('en-US')}</td>
            <td><a href={`${hrefTo('/evidence', { ...periodQuery(period), control, sample: r.id })}#sample`}>Show</a></td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}
