import { and, desc, eq, isNull } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { notificationAttempts, notificationDeliveries, notificationDestinations, type DestinationKind } from '@/db/schema'
import { actorLabel, requirePermission, type Actor } from '@/lib/auth/actor'
import { recordAudit } from '@/lib/auth/audit-trail'
import { sealSecret } from '@/lib/store/sealed-secrets'
import { notificationSchema, testNotification } from './notification'
import { destinationInputSchema, splitSecret, type DestinationInput } from './destination-input'
import { loadDeliveryPolicy, type DeliveryPolicy } from './policy'
import { deliverDueNotifications } from './worker'

export class DestinationChangeRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DestinationChangeRefused'
  }
}

/** A destination as the page shows it: its settings, and of its secret only whether it is set and its last 4 characters. */
export type DestinationView = {
  id: string
  name: string
  kind: DestinationKind
  settings: Record<string, unknown>
  secretHint: string | null
  enabled: boolean
  createdBy: string
  createdAt: Date
}

const viewColumns = {
  id: notificationDestinations.id,
  name: notificationDestinations.name,
  kind: notificationDestinations.kind,
  settings: notificationDestinations.settings,
  secretHint: notificationDestinations.secretHint,
  enabled: notificationDestinations.enabled,
  createdBy: notificationDestinations.createdBy,
  createdAt: notificationDestinations.createdAt,
}

export async function listDestinations(actor: Actor): Promise<DestinationView[]> {
  requirePermission(actor, 'thresholds:write')
  const db = await openAppStore()
  return db.select(viewColumns).from(notificationDestinations).where(isNull(notificationDestinations.deletedAt)).orderBy(desc(notificationDestinations.createdAt))
}

/**
 * Validates what the page's form (or a test) sent (zod: a clear error per field), seals the secret
 * and records the change in the audit trail.
 */
export async function addDestination(actor: Actor, input: DestinationInput | Record<string, unknown>): Promise<DestinationView> {
  requirePermission(actor, 'thresholds:write')
  const parsed = destinationInputSchema.safeParse(input)
  if (!parsed.success) throw new DestinationChangeRefused(parsed.error.issues.map((i) => `${i.path.join('.') || 'destination'}: ${i.message}`).join('; '))
  const { kind, name, settings, secret } = splitSecret(parsed.data)
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notificationDestinations)
      .values({ name, kind, settings, sealedSecret: secret ? sealSecret(secret) : null, secretHint: secret ? secret.slice(-4) : null, createdBy: actorLabel(actor) })
      .returning(viewColumns)
    await recordAudit(tx, actor, { action: 'notification_destination_change', target: name, detail: { change: 'add', id: row.id, kind, settings } })
    return row
  })
}

export async function setDestinationEnabled(actor: Actor, change: { id: string; enabled: boolean }): Promise<DestinationView> {
  requirePermission(actor, 'thresholds:write')
  const db = await openAppStore()
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(notificationDestinations)
      .set({ enabled: change.enabled })
      .where(and(eq(notificationDestinations.id, change.id), isNull(notificationDestinations.deletedAt)))
      .returning(viewColumns)
    if (!row) throw new DestinationChangeRefused('That destination does not exist or was deleted.')
    await recordAudit(tx, actor, { action: 'notification_destination_change', target: row.name, detail: { change: change.enabled ? 'enable' : 'disable', id: row.id } })
    return row
  })
}

/**
 * Deletes the destination's secret at once and hides it; the row and its delivery log stay as
 * evidence of what was sent. Deliveries still queued for it are failed.
 */
export async function deleteDestination(actor: Actor, id: string): Promise<void> {
  requirePermission(actor, 'thresholds:write')
  const db = await openAppStore()
  await db.transaction(async (tx) => {
    const now = new Date()
    const [row] = await tx
      .update(notificationDestinations)
      .set({ deletedAt: now, enabled: false, sealedSecret: null })
      .where(and(eq(notificationDestinations.id, id), isNull(notificationDestinations.deletedAt)))
      .returning({ name: notificationDestinations.name })
    if (!row) throw new DestinationChangeRefused('That destination does not exist or was already deleted.')
    await tx
      .update(notificationDeliveries)
      .set({ status: 'failed', finishedAt: now })
      .where(and(eq(notificationDeliveries.destinationId, id), eq(notificationDeliveries.status, 'pending')))
    await recordAudit(tx, actor, { action: 'notification_destination_change', target: row.name, detail: { change: 'delete', id } })
  })
}

export type TestSendResult = { delivered: boolean; statusCode: number | null; error: string | null; durationMs: number }

/** Sends a test message now (one attempt, then retried like any delivery) and answers how that attempt went. */
export async function sendTestNotification(actor: Actor, id: string, policy: DeliveryPolicy = loadDeliveryPolicy()): Promise<TestSendResult> {
  requirePermission(actor, 'thresholds:write')
  const db = await openAppStore()
  const delivery = await db.transaction(async (tx) => {
    const [destination] = await tx
      .select({ name: notificationDestinations.name, enabled: notificationDestinations.enabled })
      .from(notificationDestinations)
      .where(and(eq(notificationDestinations.id, id), isNull(notificationDestinations.deletedAt)))
    if (!destination?.enabled) throw new DestinationChangeRefused('Only an enabled destination can be sent a test.')
    const [row] = await tx.insert(notificationDeliveries).values({ destinationId: id, alert: testNotification(new Date()) }).returning({ id: notificationDeliveries.id })
    await recordAudit(tx, actor, { action: 'notification_destination_change', target: destination.name, detail: { change: 'test_send', id, delivery: row.id } })
    return row
  })
  await deliverDueNotifications(policy, [delivery.id])
  const [first] = await db.select().from(notificationAttempts).where(eq(notificationAttempts.deliveryId, delivery.id)).orderBy(notificationAttempts.attempt).limit(1)
  if (!first) return { delivered: false, statusCode: null, error: 'not attempted: another worker holds it', durationMs: 0 }
  return { delivered: first.error === null, statusCode: first.statusCode, error: first.error, durationMs: first.durationMs }
}

export type DeliveryLogRow = {
  deliveryId: string
  destination: string
  event: string
  rule: string
  subject: string
  status: string
  attempt: number
  at: Date
  statusCode: number | null
  error: string | null
  durationMs: number
}

/** The delivery log, newest attempt first: what was sent where, when, and how each attempt ended. */
export async function deliveryLog(actor: Actor, filter: { destinationId?: string; limit?: number } = {}): Promise<DeliveryLogRow[]> {
  requirePermission(actor, 'thresholds:write')
  const db = await openAppStore()
  const rows = await db
    .select({
      deliveryId: notificationDeliveries.id,
      destination: notificationDestinations.name,
      alert: notificationDeliveries.alert,
      status: notificationDeliveries.status,
      attempt: notificationAttempts.attempt,
      at: notificationAttempts.at,
      statusCode: notificationAttempts.statusCode,
      error: notificationAttempts.error,
      durationMs: notificationAttempts.durationMs,
    })
    .from(notificationAttempts)
    .innerJoin(notificationDeliveries, eq(notificationDeliveries.id, notificationAttempts.deliveryId))
    .innerJoin(notificationDestinations, eq(notificationDestinations.id, notificationDeliveries.destinationId))
    .where(filter.destinationId ? eq(notificationDeliveries.destinationId, filter.destinationId) : undefined)
    .orderBy(desc(notificationAttempts.at), desc(notificationAttempts.id))
    .limit(filter.limit ?? 200)
  return rows.map(({ alert, ...row }) => {
    const n = notificationSchema.safeParse(alert)
    return { ...row, event: n.data?.event ?? '', rule: n.data?.alert.rule ?? '', subject: n.data?.alert.subject ?? '' }
  })
}
