import { openAppStore } from '@/db'
import { evidenceExports } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { attributionReady } from '@/lib/attribution'
import { populationThresholds } from '@/lib/populations/thresholds'
import { evidenceReport, type ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import { traceStep } from '@/lib/trace'
import { alertsRaised } from './alerts'
import { canonicalBytes } from './canonical'
import { controlsOf, reportsOf, type ControlId, type PackReports } from './controls'
import { packPopulations, renderPack } from './pack'
import { PackFile } from './pdf/pack-file'
import { packPopulationReader } from './populations'
import { sideFile, type Manifest } from './manifest'
import { samplesForPack } from './samples'
import { activeSigner } from './signing-key'
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
 * `thresholds`: the thresholds in force when the caller reads them off this thread (the CLI: lib/cli/report-thresholds.ts);
 * default: the app store's, read once for the whole pack.
 */
export async function exportEvidencePack(actor: Actor, request: ExportRequest, thresholds?: Promise<Thresholds>): Promise<EvidencePack> {
  requirePermission(actor, 'evidence:export')
  if (!(request.from < request.to)) throw new Error('from must be before to')
  traceStep('export', 'started')
  const generatedAt = request.asOf ?? new Date()
  const period: ReportPeriod = { from: request.from, to: request.to }
  // every report and fact the pack prints, asked at once: the engine answers them while the app store opens;
  // one check of the stored attribution and one read of the thresholds for all of them and the populations
  const checked = attributionReady()
  const inForce = populationThresholds(thresholds)
  inForce.catch(() => undefined) // awaited by the reports and populations; a failure surfaces there
  const monitoring = controlsOf(request.control).some((c) => c.id === 'CC7.2')
  const reading = Promise.all([
    Promise.all(reportsOf(request.control).map(async (name) => [name, await evidenceReport(actor, name, period, generatedAt, () => inForce)] as const)),
    evidenceReport(actor, 'coverage', period, generatedAt, () => inForce),
    sourceWatermarks(actor),
    silentDays(actor, period),
    monitoring ? alertsRaised(actor, period, generatedAt) : null,
    samplesForPack(actor, period, generatedAt),
  ])
  reading.catch(() => undefined) // awaited below, after the signer; a failure surfaces there
  const reportsRead = reading.then(([read]) => Object.fromEntries(read) as PackReports)
  const listed = controlsOf(request.control).flatMap((c) => c.populations.map((p) => p.name))
  const readPopulation = packPopulationReader(actor, listed, period, generatedAt, { checked, thresholds: inForce })
  const populations = packPopulations(request.control, readPopulation, reportsRead)
  const db = await openAppStore()
  const signer = await activeSigner(actor, db)
  const [, coverage, watermarks, silent, alerts, samples] = await reading
  traceStep('export', 'reports read')
  const file = new PackFile(request.out)
  let manifest: Manifest
  try {
    manifest = await renderPack(
      {
        control: request.control,
        period,
        generatedAt,
        generatedBy: actorLabel(actor),
        reports: await reportsRead,
        coverage,
        silent,
        watermarks,
        alerts,
        samples,
        signer,
        populations,
      },
      file,
    )
  } catch (err) {
    file.discard()
    throw err
  }
  const { sha256, bytes } = file.commit()
  traceStep('export', 'pack written')
  const fileName = packFileName(request.control, period, generatedAt)
  const manifestFile = sideFile(manifest, sha256, signer.publicKey, signer.privateKey)
  await db.transaction(async (tx) => {
    await tx.insert(evidenceExports).values({
      control: request.control,
      periodFrom: period.from,
      periodTo: period.to,
      generatedAt,
      fileSha256: sha256,
      fileName,
      keyFingerprint: signer.fingerprint,
      manifest: JSON.parse(canonicalBytes(manifest).toString('utf8')),
      createdBy: actorLabel(actor),
    })
    await recordAudit(tx, actor, {
      action: 'export',
      target: 'evidence_pack',
      detail: { control: request.control, from: manifest.from, to: manifest.to, generated_at: manifest.generated_at, sha256, key_fingerprint: signer.fingerprint },
    })
  })
  return { out: request.out, bytes, manifestFile, sha256, fileName, summary: summaryOf(manifest, fileName, sha256) }
}

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
