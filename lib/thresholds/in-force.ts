import { desc } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { thresholdHistory, thresholds } from '@/db/schema'
import type { AppTx } from '@/lib/auth/audit-trail'
import type { Thresholds } from '@/lib/reports/thresholds'
import { settingsFrom, thresholdsFromStore, type StoredThresholds, type ThresholdSettings } from './settings'

/** The settings in force and the change that put them there (version 0: the defaults, never changed). */
export type ThresholdVersion = {
  version: number
  changedAt: Date | null
  changedBy: string | null
  reason: string | null
  settings: ThresholdSettings
}

/**
 * The settings in force: the defaults, overlaid with what security staff set (a key absent
 * from the store, or a rule added since, stays at its default), and the latest change's version.
 */
export async function settingsInForce(db: AppStore | AppTx): Promise<ThresholdVersion> {
  const settings = settingsFrom(await storedSettings(db))
  const latest = await latestChange(db)
  return latest ? { ...latest, settings } : { version: 0, changedAt: null, changedBy: null, reason: null, settings }
}

/** The thresholds reports are judged against, with the version in force (reports echo both). */
export async function thresholdsInForce(db: AppStore | AppTx): Promise<Thresholds> {
  return thresholdsFromStore(await storedThresholds(db))
}

/** The store's side of thresholdsInForce: what a reader off the main thread, or a cache of it, carries. */
export async function storedThresholds(db: AppStore | AppTx): Promise<StoredThresholds> {
  const [stored, latest] = [await storedSettings(db), await latestChange(db)]
  return { stored, version: latest?.version ?? 0 }
}

async function storedSettings(db: AppStore | AppTx): Promise<Record<string, unknown>> {
  const rows = await db.select({ key: thresholds.key, value: thresholds.value }).from(thresholds)
  return Object.fromEntries(rows.map((r) => [r.key, r.value]))
}

async function latestChange(db: AppStore | AppTx) {
  const [latest] = await db
    .select({ version: thresholdHistory.version, changedAt: thresholdHistory.changedAt, changedBy: thresholdHistory.changedBy, reason: thresholdHistory.reason })
    .from(thresholdHistory)
    .orderBy(desc(thresholdHistory.version))
    .limit(1)
  return latest
}
