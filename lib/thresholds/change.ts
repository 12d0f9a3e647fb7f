import { asc, desc, sql } from 'drizzle-orm'
import { z } from 'zod'
import { openAppStore } from '@/db'
import { thresholdHistory, thresholds } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { settingsInForce, type ThresholdVersion } from './in-force'
import { overlay, settingChanges, thresholdSettingsSchema } from './settings'

/** A change the rules refuse (bad value, no reason, nothing changed): its message names the field. */
export class ThresholdChangeRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ThresholdChangeRefused'
  }
}

export const reasonSchema = z.string({ message: 'a reason is required' }).trim().min(1, 'a reason is required').max(2000, 'the reason may be at most 2000 characters')

/**
 * Sets thresholds: `change` is the settings document or any part of it (what it leaves out
 * keeps its value in force), validated whole. One new version per change, with one history row
 * per value changed (old → new), the reason, and an audit row, in one transaction. The table
 * lock serializes concurrent changes, so versions never collide.
 */
export async function changeThresholds(actor: Actor, change: { settings: unknown; reason: string }): Promise<ThresholdVersion> {
  requirePermission(actor, 'thresholds:write')
  const reason = reasonSchema.safeParse(change.reason)
  if (!reason.success) throw new ThresholdChangeRefused(reason.error.issues[0].message)
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    await tx.execute(sql`LOCK TABLE ${thresholds} IN EXCLUSIVE MODE`)
    const current = await settingsInForce(tx)
    const parsed = thresholdSettingsSchema.safeParse(overlay(current.settings, change.settings))
    if (!parsed.success) throw new ThresholdChangeRefused(parsed.error.issues.map(issueText).join('; '))
    const changes = settingChanges(current.settings, parsed.data)
    if (changes.length === 0) throw new ThresholdChangeRefused('nothing changes: every value given is already in force')
    const version = current.version + 1
    const by = actorLabel(actor)
    const changedAt = new Date()
    await tx.insert(thresholdHistory).values(changes.map((c) => ({ version, key: c.key, oldValue: c.old, newValue: c.new, changedBy: by, changedAt, reason: reason.data })))
    for (const key of new Set(changes.map((c) => c.key.split('.')[0] as keyof typeof parsed.data))) {
      const value = parsed.data[key]
      await tx.insert(thresholds).values({ key, value, updatedBy: by, updatedAt: changedAt }).onConflictDoUpdate({ target: thresholds.key, set: { value, updatedBy: by, updatedAt: changedAt } })
    }
    await recordAudit(tx, actor, { action: 'threshold_change', target: `version ${version}`, detail: { version, reason: reason.data, changes } })
    return { version, changedAt, changedBy: by, reason: reason.data, settings: parsed.data }
  })
}

/** The settings in force and their version, for the thresholds page and `thresholds show`. */
export async function thresholdSettings(actor: Actor): Promise<ThresholdVersion> {
  requirePermission(actor, 'reports:read')
  return settingsInForce(await openAppStore())
}

export type ThresholdChange = { version: number; key: string; old: unknown; new: unknown; changedBy: string; changedAt: Date; reason: string }

/** Every threshold change, newest version first (the page), or oldest first (`order: 'oldest'`, the CSV). */
export async function thresholdChanges(actor: Actor, order: 'newest' | 'oldest' = 'newest'): Promise<ThresholdChange[]> {
  requirePermission(actor, 'reports:read')
  const db = await openAppStore()
  const by = order === 'newest' ? [desc(thresholdHistory.version), asc(thresholdHistory.key)] : [asc(thresholdHistory.version), asc(thresholdHistory.key)]
  const rows = await db.select().from(thresholdHistory).orderBy(...by)
  return rows.map((r) => ({ version: r.version, key: r.key, old: r.oldValue, new: r.newValue, changedBy: r.changedBy, changedAt: r.changedAt, reason: r.reason }))
}

function issueText(issue: z.core.$ZodIssue): string {
  const field = issue.path.join('.')
  return issue.message.startsWith(field) || !field ? issue.message : `${field}: ${issue.message}`
}
