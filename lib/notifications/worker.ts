import { and, asc, count, eq, inArray, isNull, lt, lte, min, or, type SQL } from 'drizzle-orm'
import { openAppStore, type AppStore } from '@/db'
import { notificationAttempts, notificationDeliveries, notificationDestinations } from '@/db/schema'
import { openSecret } from '@/lib/store/sealed-secrets'
import { notificationSchema } from './notification'
import { backoffDelayMs, loadDeliveryPolicy, type DeliveryPolicy } from './policy'
import { sendTo, type AttemptOutcome } from './send'

export type WorkerRun = { delivered: number; retrying: number; failed: number }

/** Deliveries taken per pass; each is sent concurrently, so one silent receiver holds up no other. */
const BATCH = 50

/**
 * One pass of the worker: claims the deliveries that are due, makes one attempt at each, logs it,
 * and schedules the next attempt or marks the delivery delivered or failed. `only` narrows the pass
 * to some deliveries (test-send).
 */
export async function deliverDueNotifications(policy: DeliveryPolicy = loadDeliveryPolicy(), only?: string[]): Promise<WorkerRun> {
  const db = await openAppStore()
  const claimed = await claimDue(db, policy, only)
  const results = await Promise.all(claimed.map((delivery) => attempt(db, delivery, policy)))
  return {
    delivered: results.filter((r) => r === 'delivered').length,
    retrying: results.filter((r) => r === 'pending').length,
    failed: results.filter((r) => r === 'failed').length,
  }
}

/**
 * Runs passes until nothing is pending or `deadlineMs` has passed, sleeping until the next attempt
 * is due: what the CLI does after `alerts run`. What is still pending stays queued for the next run.
 */
export async function drainNotifications(policy: DeliveryPolicy = loadDeliveryPolicy(), deadlineMs = 120_000): Promise<{ delivered: number; failed: number; pending: number }> {
  const end = Date.now() + deadlineMs
  const total = { delivered: 0, failed: 0 }
  for (;;) {
    const run = await deliverDueNotifications(policy)
    total.delivered += run.delivered
    total.failed += run.failed
    const { pending, nextAt } = await pendingDeliveries()
    if (pending === 0 || Date.now() >= end) return { ...total, pending }
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(end, nextAt?.getTime() ?? end) - Date.now())))
  }
}

const sendable: SQL = and(eq(notificationDestinations.enabled, true), isNull(notificationDestinations.deletedAt))!

async function pendingDeliveries(): Promise<{ pending: number; nextAt: Date | null }> {
  const db = await openAppStore()
  const [row] = await db
    .select({ pending: count(), nextAt: min(notificationDeliveries.nextAttemptAt) })
    .from(notificationDeliveries)
    .innerJoin(notificationDestinations, eq(notificationDestinations.id, notificationDeliveries.destinationId))
    .where(and(eq(notificationDeliveries.status, 'pending'), sendable))
  return { pending: row.pending, nextAt: row.nextAt ? new Date(row.nextAt) : null }
}

type Claimed = Awaited<ReturnType<typeof claimDue>>[number]

// The lease outlasts an attempt (an SMTP attempt may wait out connect, greeting and socket timeouts).
async function claimDue(db: AppStore, policy: DeliveryPolicy, only?: string[]) {
  const now = new Date()
  return db.transaction(async (tx) => {
    const due = await tx
      .select({
        id: notificationDeliveries.id,
        alert: notificationDeliveries.alert,
        attempts: notificationDeliveries.attempts,
        destination: notificationDestinations.name,
        kind: notificationDestinations.kind,
        settings: notificationDestinations.settings,
        sealedSecret: notificationDestinations.sealedSecret,
      })
      .from(notificationDeliveries)
      .innerJoin(notificationDestinations, eq(notificationDestinations.id, notificationDeliveries.destinationId))
      .where(
        and(
          eq(notificationDeliveries.status, 'pending'),
          lte(notificationDeliveries.nextAttemptAt, now),
          or(isNull(notificationDeliveries.claimedUntil), lt(notificationDeliveries.claimedUntil, now)),
          sendable,
          only ? inArray(notificationDeliveries.id, only) : undefined,
        ),
      )
      .orderBy(asc(notificationDeliveries.nextAttemptAt))
      .limit(BATCH)
      .for('update', { of: notificationDeliveries, skipLocked: true })
    if (due.length > 0) {
      const lease = new Date(now.getTime() + 4 * policy.timeoutMs + 10_000)
      await tx.update(notificationDeliveries).set({ claimedUntil: lease }).where(inArray(notificationDeliveries.id, due.map((d) => d.id)))
    }
    return due
  })
}

async function attempt(db: AppStore, delivery: Claimed, policy: DeliveryPolicy): Promise<'delivered' | 'pending' | 'failed'> {
  const number = delivery.attempts + 1
  const startedAt = new Date()
  const started = performance.now()
  const outcome = await send(delivery, policy, startedAt)
  const durationMs = Math.round(performance.now() - started)
  const status = outcome.ok ? 'delivered' : number >= policy.maxAttempts ? 'failed' : 'pending'
  const finished = new Date()
  await db.transaction(async (tx) => {
    await tx.insert(notificationAttempts).values({ deliveryId: delivery.id, attempt: number, at: startedAt, statusCode: outcome.statusCode, error: outcome.error, durationMs })
    await tx
      .update(notificationDeliveries)
      .set({
        status,
        attempts: number,
        claimedUntil: null,
        nextAttemptAt: status === 'pending' ? new Date(finished.getTime() + backoffDelayMs(policy, number)) : finished,
        finishedAt: status === 'pending' ? null : finished,
      })
      .where(eq(notificationDeliveries.id, delivery.id))
  })
  if (status === 'failed') console.error(`custody: notification ${delivery.id} to "${delivery.destination}" failed after ${number} attempts: ${outcome.error}`)
  return status
}

async function send(delivery: Claimed, policy: DeliveryPolicy, now: Date): Promise<AttemptOutcome> {
  try {
    const secret = delivery.sealedSecret ? openSecret(delivery.sealedSecret) : null
    const notification = notificationSchema.parse(delivery.alert)
    return await sendTo({ kind: delivery.kind, settings: delivery.settings, secret }, notification, { deliveryId: delivery.id, origin: policy.origin, timeoutMs: policy.timeoutMs, now })
  } catch (err) {
    return { ok: false, statusCode: null, error: (err as Error).message }
  }
}
