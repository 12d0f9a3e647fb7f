import { isIP } from 'node:net'
import { openAppStore, type AppStore } from '@/db'
import { auditEvents, type AuditAction } from '@/db/schema'
import { actorLabel, requirePermission, type Actor, type RequestOrigin } from './actor'

/** A drizzle transaction on the app store: audit rows go in the same one as their change. */
export type AppTx = Parameters<Parameters<AppStore['transaction']>[0]>[0]
export type AuditWriter = AppStore | AppTx

export type AuditEntry = {
  action: AuditAction
  target?: string | null
  detail?: Record<string, unknown>
}

/** Someone not (yet) an actor: a failed sign-in records the e-mail that was tried. */
export type Claimant = { claimed: string; origin: RequestOrigin }

/** Appends one audit row. Pass the transaction of the change it describes. */
export async function recordAudit(db: AuditWriter, by: Actor | Claimant, entry: AuditEntry): Promise<void> {
  const origin = 'claimed' in by ? by.origin : by.kind === 'user' ? by.origin : { ip: null, userAgent: null }
  await db.insert(auditEvents).values({
    actor: clean('claimed' in by ? by.claimed : actorLabel(by), 320) ?? '(none)',
    action: entry.action,
    target: clean(entry.target, 512),
    detail: entry.detail ?? null,
    ip: origin.ip && isIP(origin.ip) ? origin.ip : null,
    userAgent: clean(origin.userAgent, 512),
  })
}

/**
 * Call on every person-level page and answer: who looked at whom is evidence too. `target`
 * is the identity viewed, or `*` when an answer shows every identity (the attribution API).
 */
export async function recordView(actor: Actor, target: string, detail?: Record<string, unknown>): Promise<void> {
  requirePermission(actor, 'people:read')
  await recordAudit(await openAppStore(), actor, { action: 'view_person', target, detail })
}

// Control characters would let a crafted e-mail or user agent forge line breaks in exports.
function clean(text: string | null | undefined, max: number): string | null {
  if (text === null || text === undefined) return null
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, max)
}
