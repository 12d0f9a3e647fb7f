import type { KeyObject } from 'node:crypto'
import packageJson from '@/package.json'
import { traceStep } from '@/lib/trace'
import type { CoverageReport } from '@/lib/reports/coverage'
import type { ReportPeriod } from '@/lib/reports/run'
import type { PackAlert } from './alerts'
import { canonicalBytes } from './canonical'
import { controlsOf, controlSummary, sizeOf, type Control, type ControlId, type PackPopulation, type PackPopulationName, type PackReports } from './controls'
import { querySha256, type Manifest, type ManifestPopulation } from './manifest'
import { packDocument } from './pdf/document'
import type { PackFile } from './pdf/pack-file'
import { populationTable } from './pdf/population-table'
import { alertsSection, coverageSection, coverPage, methodSection, metricsSection, samplesSection, type MethodPopulation } from './pdf/sections'
import type { PackPopulationRows } from './populations'
import type { PackSample } from './samples'
import { signCanonical } from './signature'
import type { SigningKey } from './signing-key'
import type { SilentDays, Watermark } from './watermarks'

export const GENERATOR = { name: 'custody', version: packageJson.version }

export type PackInput = {
  control: ControlId
  period: ReportPeriod
  generatedAt: Date
  generatedBy: string
  reports: PackReports
  coverage: CoverageReport
  silent: SilentDays[]
  watermarks: Watermark[]
  alerts: PackAlert[] | null
  samples: PackSample[]
  signer: SigningKey & { privateKey: KeyObject }
  /** The populations in the order they are listed, each already being read (`packPopulations`). */
  populations: AsyncIterable<ListedPopulation>
}

export type ListedPopulation = { control: Control; population: PackPopulation; rows: PackPopulationRows }

// How many rows the populations read ahead of the one being drawn may hold: chDB's client keeps each
// query's whole result until it is read, so this bounds the memory of a pack over millions of actions,
// while the demo quarter's populations (~57,000 rows) are all read while the first are drawn.
const READ_AHEAD_ROWS = 200_000

/**
 * The populations a pack for `control` lists, in order, each one's query started before its
 * turn: the first at once (it runs while the reports do), the next when the one before is
 * drawn, and, once `reports` gives each population's size, as many more as READ_AHEAD_ROWS
 * holds. The engine answers on its own threads while this one draws, so it is never left idle
 * by a long table. `read` is lib/evidence/populations.ts, guarded by the caller's export.
 */
export function packPopulations(
  control: ControlId,
  read: (name: PackPopulationName) => Promise<PackPopulationRows>,
  reports: Promise<PackReports>,
): AsyncIterable<ListedPopulation> {
  const listed = controlsOf(control).flatMap((c) => c.populations.map((p) => ({ control: c, population: p })))
  const readings: (Promise<PackPopulationRows> | undefined)[] = []
  let sizes: number[] | null = null
  let drawing = 0
  const start = (i: number) => {
    if (i >= listed.length || readings[i]) return
    const reading = started(read(listed[i].population.name))
    reading.catch(() => undefined) // awaited in its turn; a failure surfaces there
    readings[i] = reading
  }
  const readAhead = () => {
    start(drawing)
    start(drawing + 1)
    for (let i = drawing + 2, held = sizes?.[drawing + 1] ?? 0; sizes && i < listed.length; i++) {
      held += sizes[i]
      if (held > READ_AHEAD_ROWS) break
      start(i)
    }
  }
  start(0)
  reports.then((r) => {
    // one with neither a count nor a bound is read only when it is next
    sizes = listed.map(({ population: p }) => sizeOf(p, r))
    readAhead()
  }, () => undefined) // the export awaits the reports itself; a failure surfaces there
  return (async function* () {
    for (; drawing < listed.length; drawing++) {
      readAhead()
      yield { ...listed[drawing], rows: await readings[drawing]! }
    }
  })()
}

/**
 * Draws the pack into `file` and builds its manifest in one pass: cover, each control's metrics
 * against their thresholds and its charts, coverage, samples, alerts, then every population in
 * full (appendix A, streamed and hashed as it is drawn) and
 * the method (appendix B, which needs those hashes). The signed manifest is attached last, with
 * fixed dates.
 */
export async function renderPack(input: PackInput, file: PackFile): Promise<Manifest> {
  const { control, period, generatedAt } = input
  const controls = controlsOf(control)
  const summary = controlSummary(control)
  const { doc, done, close } = packDocument({
    title: `Custody evidence pack ${control} ${period.from.toISOString()} to ${period.to.toISOString()}`,
    subject: `SOC 2 ${control}: ${summary.criterion}`,
    generatedAt,
    footer: `Custody evidence pack · ${control} · ${period.from.toISOString()} to ${period.to.toISOString()} · generated ${generatedAt.toISOString()}`,
  }, file)
  let manifest: Manifest
  try {
    coverPage(doc, {
      control,
      criteria: controls.map((c) => `${c.id} ${c.criterion}: ${c.holds}`).join('\n'),
      from: period.from,
      to: period.to,
      generatedAt,
      generatedBy: input.generatedBy,
      thresholds: input.coverage.thresholds,
      thresholdsVersion: input.coverage.thresholds.version ?? null,
      watermarks: input.watermarks,
      keyFingerprint: input.signer.fingerprint,
      publicKey: input.signer.publicKey,
    })
    for (const c of controls) metricsSection(doc, c, c.metrics(input.reports), c.charts(input.reports))
    coverageSection(doc, input.coverage.sources, input.silent)
    samplesSection(doc, input.samples)
    if (input.alerts) alertsSection(doc, input.alerts)
    const method: MethodPopulation[] = []
    for await (const { control: c, population: p, rows } of input.populations) {
      const drawn = await populationTable(doc, `Appendix A · ${c.id} · ${p.name}: ${p.title}`, rows)
      const entry: ManifestPopulation = { name: p.name, rows: drawn.rows, sha256: drawn.sha256, query_sha256: querySha256(rows.query.text), parameters: rows.query.params }
      method.push({ ...entry, title: p.title, query: rows.query.text, part: rows.query.part, reportCount: p.count ? { key: p.count.key, value: p.count.of(input.reports) } : undefined })
      traceStep('export', `${p.name} drawn (${drawn.rows} rows)`)
    }
    methodSection(doc, method)
    manifest = {
      control,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      generated_at: generatedAt.toISOString(),
      thresholds: input.coverage.thresholds,
      generator: GENERATOR,
      watermarks: input.watermarks,
      // `all` lists a population shared by two controls once per control; the manifest names it once
      populations: [...new Map(method.map(({ title: _t, query: _q, part: _p, reportCount: _r, ...entry }) => [entry.name, entry])).values()],
    }
    const attached = { creationDate: generatedAt, modifiedDate: generatedAt }
    doc.file(canonicalBytes(manifest), { ...attached, name: 'manifest.json', type: 'application/json', description: 'the signed manifest (canonical JSON)' })
    doc.file(Buffer.from(signCanonical(manifest, input.signer.privateKey), 'utf8'), { ...attached, name: 'manifest.sig', type: 'text/plain', description: 'Ed25519 signature of manifest.json, base64' })
    doc.end()
  } finally {
    close()
  }
  await done
  return manifest
}

/**
 * A population whose query is already running: the engine answers it on its own thread while
 * the population before it is drawn. Its rows are yielded when the table asks for them.
 */
async function started(reading: Promise<PackPopulationRows>): Promise<PackPopulationRows> {
  const population = await reading
  const rows = population.rows[Symbol.asyncIterator]()
  let first: Promise<IteratorResult<object>> | null = rows.next()
  first.catch(() => undefined) // awaited when the table reads it; a failure surfaces there
  // the rows as they come, the first from the read already under way (no generator of its own: one less hop a row)
  const next = () => {
    const row = first ?? rows.next()
    first = null
    return row
  }
  return { ...population, rows: { [Symbol.asyncIterator]: () => ({ next }) } }
}
