import { setImmediate as eventLoopTurn } from 'node:timers/promises'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { attributionReady } from '@/lib/attribution'
import { evidenceReport, type ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import { traceStep } from '@/lib/trace'
import { inProcessPackStore, type PackAppStore, type PackStateRequest } from './app-state'
import { controlsOf, listsAlerts, reportsOf, sizeOf, type ControlId, type PackReports } from './controls'
import { PackFile } from './pdf/pack-file'
import { packPopulationReader } from './populations'
import { sideFile, type Manifest } from './manifest'
import { silentDays, sourceWatermarks } from './watermarks'

/** `out`: the file the PDF is written to (streamed, never held whole); its manifest file comes back to be written beside it. */
export type ExportRequest = { control: ControlId; from: Date; to: Date; asOf?: Date; out: string }

/** What `custody export --json` prints (evidence.md); `out` is the file name until the caller writes it somewhere. */
export type ExportSummary = {
  control: ControlId
  from: string
  to: string
  generated_at: string
  out: string
  sha256: string
  populations: { name: string; rows: number; sha256: string }[]
}

export type EvidencePack = { out: string; bytes: number; manifestFile: Buffer; sha256: string; fileName: string; summary: ExportSummary }

/**
 * One signed evidence pack for a control and period (evidence.md): every number from the
 * reports and populations the dashboard shows, for `generated_at` = `asOf` (default now).
 * The same data, parameters, thresholds, signing key and `asOf` give the same bytes, written
 * to `out` as they are drawn. The export is recorded (who, when, what, the PDF's SHA-256) with its audit row.
 * `thresholds`: the thresholds in force when the caller has them before the app store opens (the CLI: what the last
 * start kept); `store`: where the app state is read and the export recorded (default: this thread's app store).
 */
export async function exportEvidencePack(actor: Actor, request: ExportRequest, options: ExportOptions = {}): Promise<EvidencePack> {
  requirePermission(actor, 'evidence:export')
  if (!(request.from < request.to)) throw new Error('from must be before to')
  traceStep('export', 'started')
  const generatedAt = request.asOf ?? new Date()
  const period: ReportPeriod = { from: request.from, to: request.to }
  const store = (options.store ?? ((r) => inProcessPackStore(actor, r)))({ period, generatedAt, monitoring: listsAlerts(request.control) })
  store.state.catch(() => undefined) // awaited below; a failure surfaces there
  let recorded = false
  try {
    // every report and fact the pack prints, asked at once: the engine answers them while the app store opens;
    // one check of the stored attribution and one read of the thresholds for all of them and the populations
    const checked = attributionReady()
    const inForce = options.thresholds ?? store.state.then((s) => s.thresholds)
    inForce.catch(() => undefined) // awaited by the reports and populations; a failure surfaces there
    const reading = Promise.all([
      Promise.all(reportsOf(request.control).map(async (name) => [name, await evidenceReport(actor, name, period, generatedAt, () => inForce)] as const)),
      evidenceReport(actor, 'coverage', period, generatedAt, () => inForce),
      sourceWatermarks(actor),
      silentDays(actor, period),
    ])
    reading.catch(() => undefined) // awaited below, after the app state; a failure surfaces there
    const reportsRead = reading.then(([read]) => Object.fromEntries(read) as PackReports)
    // the PDF's modules (pdfkit's take ~0.25 s to load) load while the engine answers the reports
    const { packPopulations, renderPack } = await import('./pack')
    const listed = controlsOf(request.control).flatMap((c) => c.populations.map((p) => p.name))
    const sizes = reportsRead.then((r) => new Map(controlsOf(request.control).flatMap((c) => c.populations.map((p) => [p.name, sizeOf(p, r)] as const))))
    sizes.catch(() => undefined) // awaited by the populations; a failure surfaces with the reports'
    const readPopulation = packPopulationReader(actor, listed, period, generatedAt, { checked, thresholds: inForce, sizes, holdRows: options.holdRows })
    const populations = packPopulations(request.control, readPopulation, reportsRead)
    const { signer, alerts, samples } = await store.state
    const [, coverage, watermarks, silent] = await reading
    traceStep('export', 'reports read')
    // The populations read ahead were asked for as the reports came: one turn of the event loop lets their queries
    // reach the engine before the cover, metrics and charts are drawn (~0.3 s on this thread without a turn)
    await eventLoopTurn()
    const file = new PackFile(request.out)
    let manifest: Manifest
    try {
      const input = { control: request.control, period, generatedAt, generatedBy: actorLabel(actor), reports: await reportsRead, coverage, silent, watermarks, alerts, samples, signer, populations }
      manifest = await renderPack(input, file)
    } catch (err) {
      file.discard()
      throw err
    }
    const { sha256, bytes } = file.commit()
    traceStep('export', 'pack written')
    const fileName = packFileName(request.control, period, generatedAt)
    const manifestFile = sideFile(manifest, sha256, signer.publicKey, signer.privateKey)
    await store.record({ control: request.control, period, generatedAt, sha256, fileName, keyFingerprint: signer.fingerprint, manifest })
    recorded = true
    return { out: request.out, bytes, manifestFile, sha256, fileName, summary: summaryOf(manifest, fileName, sha256) }
  } finally {
    if (!recorded) await store.record(null).catch(() => undefined)
  }
}

/** `holdRows`: past how many rows the populations of one query are read apart (PackReads). */
export type ExportOptions = { thresholds?: Promise<Thresholds>; store?: (request: PackStateRequest) => PackAppStore; holdRows?: number }

function summaryOf(manifest: Manifest, out: string, sha256: string): ExportSummary {
  return {
    control: manifest.control as ControlId,
    from: manifest.from,
    to: manifest.to,
    generated_at: manifest.generated_at,
    out,
    sha256,
    populations: manifest.populations.map((p) => ({ name: p.name, rows: p.rows, sha256: p.sha256 })),
  }
}

/** `custody-CC6.1-20261001-20261101-20261201T000000Z.pdf`: control, period and generated_at, safe in any file system. */
export function packFileName(control: ControlId, period: ReportPeriod, generatedAt: Date): string {
  const compact = (t: Date) => t.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
  const dayOrTime = (t: Date) => (compact(t).endsWith('T000000Z') ? compact(t).slice(0, 8) : compact(t))
  return `custody-${control}-${dayOrTime(period.from)}-${dayOrTime(period.to)}-${compact(generatedAt)}.pdf`
}
