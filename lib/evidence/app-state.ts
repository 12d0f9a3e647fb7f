import type { KeyObject } from 'node:crypto'
import { openAppStore, type AppStore } from '@/db'
import { evidenceExports } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import type { ReportPeriod } from '@/lib/reports/run'
import type { Thresholds } from '@/lib/reports/thresholds'
import { thresholdsInForce } from '@/lib/thresholds/in-force'
import { alertsRaised, type PackAlert } from './alerts'
import { canonicalBytes } from './canonical'
import type { ControlId } from './controls'
import type { Manifest } from './manifest'
import { samplesForPack, type PackSample } from './samples'
import { activeSigner, type SigningKey } from './signing-key'

/** What a pack prints from the app store: the thresholds in force, the key that signs it, the samples and (CC7.2) the alerts of its period. */
export type PackAppState = { thresholds: Thresholds; signer: SigningKey & { privateKey: KeyObject }; samples: PackSample[]; alerts: PackAlert[] | null }
export type PackStateRequest = { period: ReportPeriod; generatedAt: Date; monitoring: boolean }
/** A written pack, as the export history and the audit trail record it. */
export type PackRecord = { control: ControlId; period: ReportPeriod; generatedAt: Date; sha256: string; fileName: string; keyFingerprint: string; manifest: Manifest }

/**
 * Where an export reads its app state and records itself: by default the app store opened on this thread
 * (inProcessPackStore); `custody export` keeps it in a worker thread (lib/cli/report-thresholds.ts), so
 * PGlite's boot never runs on the thread that drives chDB's queries and draws the PDF. `record(null)`: the
 * export failed, nothing to record (the store is let go).
 */
export type PackAppStore = { state: Promise<PackAppState>; record(r: PackRecord | null): Promise<void> }

/** The app state a pack for `request` prints, read from `db`. */
export async function readPackAppState(actor: Actor, db: AppStore, request: PackStateRequest): Promise<PackAppState> {
  requirePermission(actor, 'evidence:export')
  const { period, generatedAt } = request
  const thresholds = await thresholdsInForce(db)
  const signer = await activeSigner(actor, db)
  const samples = await samplesForPack(actor, period, generatedAt, db)
  const alerts = request.monitoring ? await alertsRaised(actor, period, generatedAt, db) : null
  return { thresholds, signer, samples, alerts }
}

/** The export's history row and its audit row, in one transaction. */
export async function recordPackExport(actor: Actor, db: AppStore, r: PackRecord): Promise<void> {
  requirePermission(actor, 'evidence:export')
  await db.transaction(async (tx) => {
    await tx.insert(evidenceExports).values({
      control: r.control,
      periodFrom: r.period.from,
      periodTo: r.period.to,
      generatedAt: r.generatedAt,
      fileSha256: r.sha256,
      fileName: r.fileName,
      keyFingerprint: r.keyFingerprint,
      manifest: JSON.parse(canonicalBytes(r.manifest).toString('utf8')),
      createdBy: actorLabel(actor),
    })
    await recordAudit(tx, actor, {
      action: 'export',
      target: 'evidence_pack',
      detail: { control: r.control, from: r.manifest.from, to: r.manifest.to, generated_at: r.manifest.generated_at, sha256: r.sha256, key_fingerprint: r.keyFingerprint },
    })
  })
}

/** The process's app store (openAppStore), on this thread. */
export function inProcessPackStore(actor: Actor, request: PackStateRequest): PackAppStore {
  requirePermission(actor, 'evidence:export')
  return {
    state: openAppStore().then((db) => readPackAppState(actor, db, request)),
    record: async (r) => {
      if (r) await recordPackExport(actor, await openAppStore(), r)
    },
  }
}
