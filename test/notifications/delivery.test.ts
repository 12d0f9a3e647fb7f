import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore, type AppStore } from '@/db'
import { notificationAttempts, notificationDeliveries, notificationDestinations } from '@/db/schema'
import { AccessDenied, cliActor, type UserActor } from '@/lib/auth/actor'
import type { Alert, AlertChanges } from '@/lib/alerts/alert'
import { notifyAlertChanges, drainNotifications } from '@/lib/notifications'
import { addDestination, deleteDestination, deliveryLog, DestinationChangeRefused, listDestinations, sendTestNotification, setDestinationEnabled } from '@/lib/notifications/destinations'
import type { DestinationInput } from '@/lib/notifications/destination-input'
import type { DeliveryPolicy } from '@/lib/notifications/policy'
import { releaseDataDirLock } from '@/lib/store/lock'
import { httpReceiver, smtpInbox } from './receivers'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-notify-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.DATABASE_URL
delete process.env.CUSTODY_SEALING_KEY
delete process.env.CUSTODY_SEALING_KEY_FILE

const policy: DeliveryPolicy = { timeoutMs: 300, maxAttempts: 3, backoffMs: 40, maxBackoffMs: 1000, origin: 'https://custody.example.com' }
const auditor: UserActor = { kind: 'user', id: 'u-a', email: 'auditor@example.test', role: 'auditor', sessionId: 's', origin: { ip: null, userAgent: null } }

const alert: Alert = {
  id: '6f1c2b1e-8a52-4c1e-9d0f-3b7f0e2a9c41',
  rule: 'unattributed_ratio',
  state: 'firing',
  subject: 'all agent actions',
  value: 0.125,
  threshold: 0.05,
  since: '2026-10-14T09:00:00.000Z',
  link: '/unattributed?from=2026-10-01T00:00:00.000Z&to=2026-11-01T00:00:00.000Z',
}

const evaluation = (fired: Alert[], resolved: Alert[] = []): AlertChanges => ({ evaluated_at: '2026-10-14T09:05:00.000Z', fired, resolved })

let db: AppStore
beforeAll(async () => {
  db = await openAppStore()
})
afterAll(async () => {
  await closeAppStore()
  releaseDataDirLock(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

/** Each test notifies one destination: every other is deleted first. */
async function onlyDestination(input: DestinationInput) {
  for (const d of await listDestinations(cliActor)) await deleteDestination(cliActor, d.id)
  return addDestination(cliActor, input)
}

async function attemptsOf(destinationId: string) {
  return db
    .select({ attempt: notificationAttempts.attempt, statusCode: notificationAttempts.statusCode, error: notificationAttempts.error, status: notificationDeliveries.status })
    .from(notificationAttempts)
    .innerJoin(notificationDeliveries, eq(notificationDeliveries.id, notificationAttempts.deliveryId))
    .where(eq(notificationDeliveries.destinationId, destinationId))
    .orderBy(notificationAttempts.attempt)
}

describe('webhook destinations', () => {
  const secret = 'whsec-0123456789abcdef'

  it('posts the alert as JSON signed with HMAC-SHA256 over timestamp and body, with the evidence link made absolute', async () => {
    const receiver = await httpReceiver()
    try {
      await onlyDestination({ kind: 'webhook', name: 'siem', url: receiver.url, secret })
      expect(await notifyAlertChanges(evaluation([alert]))).toEqual({ queued: 1 })
      expect(await drainNotifications(policy, 5000)).toEqual({ delivered: 1, failed: 0, pending: 0 })
      expect(receiver.received).toHaveLength(1)
      const { headers, body } = receiver.received[0]
      const expected = 'sha256=' + createHmac('sha256', secret).update(`${headers['x-custody-timestamp']}.${body}`).digest('hex')
      expect(headers['x-custody-signature']).toBe(expected)
      expect(Math.abs(Number(headers['x-custody-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
      expect(JSON.parse(body)).toMatchObject({
        event: 'alert.firing',
        alert: { ...alert, link: 'https://custody.example.com/unattributed?from=2026-10-01T00:00:00.000Z&to=2026-11-01T00:00:00.000Z' },
      })
    } finally {
      await receiver.close()
    }
  })

  it('keeps the secret sealed: the store holds no plaintext and the page gets only its last 4 characters', async () => {
    const receiver = await httpReceiver()
    try {
      const view = await onlyDestination({ kind: 'webhook', name: 'sealed', url: receiver.url, secret })
      const [row] = await db.select().from(notificationDestinations).where(eq(notificationDestinations.id, view.id))
      expect(JSON.stringify(row)).not.toContain(secret)
      expect(row.sealedSecret).toMatch(/^sealed:v1:/)
      const [listed] = await listDestinations(cliActor)
      expect(listed.secretHint).toBe('cdef')
      expect(JSON.stringify(listed)).not.toContain(secret)
      await deleteDestination(cliActor, view.id)
      const [deleted] = await db.select().from(notificationDestinations).where(eq(notificationDestinations.id, view.id))
      expect(deleted.sealedSecret).toBeNull()
    } finally {
      await receiver.close()
    }
  })

  it('retries a receiver that fails twice: three attempts logged (500, 500, 200) and the delivery delivered', async () => {
    const receiver = await httpReceiver((n) => (n <= 2 ? 500 : 200))
    try {
      const d = await onlyDestination({ kind: 'webhook', name: 'flaky', url: receiver.url, secret })
      await notifyAlertChanges(evaluation([alert]))
      expect(await drainNotifications(policy, 5000)).toEqual({ delivered: 1, failed: 0, pending: 0 })
      expect(await attemptsOf(d.id)).toEqual([
        { attempt: 1, statusCode: 500, error: 'HTTP 500', status: 'delivered' },
        { attempt: 2, statusCode: 500, error: 'HTTP 500', status: 'delivered' },
        { attempt: 3, statusCode: 200, error: null, status: 'delivered' },
      ])
      // every attempt carries the same delivery id, so a receiver can drop a duplicate
      expect(new Set(receiver.received.map((r) => r.headers['x-custody-delivery'])).size).toBe(1)
    } finally {
      await receiver.close()
    }
  })

  it('gives up on a receiver that never answers: each attempt times out, is logged, and the delivery is failed after the last', async () => {
    const receiver = await httpReceiver(() => null)
    try {
      const d = await onlyDestination({ kind: 'webhook', name: 'silent', url: receiver.url, secret })
      await notifyAlertChanges(evaluation([alert]))
      const started = Date.now()
      expect(await drainNotifications(policy, 10_000)).toEqual({ delivered: 0, failed: 1, pending: 0 })
      expect(Date.now() - started).toBeLessThan(5000)
      const attempts = await attemptsOf(d.id)
      expect(attempts).toEqual([1, 2, 3].map((attempt) => ({ attempt, statusCode: null, error: 'no answer within 300 ms', status: 'failed' })))
      expect(receiver.received).toHaveLength(3)
      const log = await deliveryLog(cliActor, { destinationId: d.id })
      expect(log.map((r) => [r.attempt, r.status, r.rule])).toEqual([3, 2, 1].map((n) => [n, 'failed', 'unattributed_ratio']))
      expect(log.every((r) => r.durationMs >= 250)).toBe(true)
    } finally {
      await receiver.close()
    }
  })
})

describe('Slack destinations', () => {
  it('posts a Slack incoming-webhook payload (text and blocks) naming the rule, subject, value and link', async () => {
    const receiver = await httpReceiver()
    try {
      const d = await onlyDestination({ kind: 'slack', name: '#security', url: receiver.url })
      expect(d.settings).toEqual({ origin: new URL(receiver.url).origin })
      expect(d.secretHint).toBe('hook')
      await notifyAlertChanges(evaluation([], [{ ...alert, state: 'resolved', subject: 'svc <deploy-bot>' }]))
      await drainNotifications(policy, 5000)
      const payload = JSON.parse(receiver.received[0].body)
      expect(payload.text).toBe('[Custody] RESOLVED unattributed_ratio: svc <deploy-bot>')
      expect(payload.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'section'])
      expect(payload.blocks[1].text.text).toContain('Subject: svc &lt;deploy-bot&gt;')
      expect(payload.blocks[1].text.text).toContain('Value: 0.125 (threshold 0.05)')
      expect(payload.blocks[2].text.text).toBe(`<https://custody.example.com${alert.link}|Open the evidence in Custody>`)
    } finally {
      await receiver.close()
    }
  })
})

describe('e-mail destinations', () => {
  it('sends the alert over SMTP with login: the inbox gets its rule, subject, value and link', async () => {
    const inbox = await smtpInbox({ user: 'custody', password: 'smtp-pass-1234' })
    try {
      const d = await onlyDestination({
        kind: 'email',
        name: 'security team',
        host: '127.0.0.1',
        port: inbox.port,
        tls: 'none',
        user: 'custody',
        password: 'smtp-pass-1234',
        from: 'custody@example.com',
        to: 'sec@example.com, oncall@example.com',
      })
      expect(d.settings).toEqual({ host: '127.0.0.1', port: inbox.port, tls: 'none', user: 'custody', from: 'custody@example.com', to: ['sec@example.com', 'oncall@example.com'] })
      await notifyAlertChanges(evaluation([alert]))
      expect(await drainNotifications(policy, 5000)).toEqual({ delivered: 1, failed: 0, pending: 0 })
      expect(inbox.logins).toEqual(['custody'])
      const [mail] = inbox.mails
      expect(mail.subject).toBe('[Custody] FIRING unattributed_ratio: all agent actions')
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : []).toEqual(['sec@example.com', 'oncall@example.com'])
      expect(mail.text).toContain('Rule: unattributed_ratio')
      expect(mail.text).toContain('Subject: all agent actions')
      expect(mail.text).toContain('Value: 0.125 (threshold 0.05)')
      expect(mail.text).toContain(`Evidence: https://custody.example.com${alert.link}`)
    } finally {
      await inbox.close()
    }
  })

  it('logs the SMTP error when the password is wrong, and fails the delivery after the last attempt', async () => {
    const inbox = await smtpInbox({ user: 'custody', password: 'right' })
    try {
      const d = await onlyDestination({ kind: 'email', name: 'wrong pw', host: '127.0.0.1', port: inbox.port, tls: 'none', user: 'custody', password: 'wrong', from: 'c@example.com', to: 's@example.com' })
      await notifyAlertChanges(evaluation([alert]))
      expect(await drainNotifications(policy, 5000)).toMatchObject({ delivered: 0, failed: 1 })
      const attempts = await attemptsOf(d.id)
      expect(attempts).toHaveLength(3)
      expect(attempts[0]).toMatchObject({ statusCode: 535, status: 'failed' })
      expect(attempts[0].error).toContain('Invalid username or password')
      expect(inbox.mails).toHaveLength(0)
    } finally {
      await inbox.close()
    }
  })
})

describe('the queue', () => {
  let receiver: Awaited<ReturnType<typeof httpReceiver>>
  beforeEach(async () => {
    receiver = await httpReceiver()
    return () => receiver.close()
  })

  it('survives a restart: a delivery queued before the store closes is sent after it reopens', async () => {
    await onlyDestination({ kind: 'webhook', name: 'durable', url: receiver.url, secret: 'durable-secret-0123' })
    await notifyAlertChanges(evaluation([alert]))
    await closeAppStore()
    db = await openAppStore()
    expect(await drainNotifications(policy, 5000)).toEqual({ delivered: 1, failed: 0, pending: 0 })
    expect(receiver.received).toHaveLength(1)
  })

  it('sends nothing for an evaluation that changed nothing, nor to a disabled destination until it is enabled again', async () => {
    const d = await onlyDestination({ kind: 'webhook', name: 'paused', url: receiver.url, secret: 'paused-secret-0123' })
    expect(await notifyAlertChanges(evaluation([]))).toEqual({ queued: 0 })
    await setDestinationEnabled(cliActor, { id: d.id, enabled: false })
    expect(await notifyAlertChanges(evaluation([alert]))).toEqual({ queued: 0 })
    await setDestinationEnabled(cliActor, { id: d.id, enabled: true })
    expect(await notifyAlertChanges(evaluation([alert], [{ ...alert, id: '0b0e3f7a-1d2c-4e5f-8a9b-0c1d2e3f4a5b', state: 'resolved' }]))).toEqual({ queued: 2 })
    await drainNotifications(policy, 5000)
    expect(receiver.received.map((r) => JSON.parse(r.body).event).sort()).toEqual(['alert.firing', 'alert.resolved'])
  })

  it('test-send delivers a test message at once and answers how it went', async () => {
    const d = await onlyDestination({ kind: 'webhook', name: 'tested', url: receiver.url, secret: 'tested-secret-0123' })
    expect(await sendTestNotification(cliActor, d.id, policy)).toMatchObject({ delivered: true, statusCode: 200, error: null })
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({ event: 'test', alert: { rule: 'test' } })
  })
})

describe('destination input', () => {
  it('refuses a URL that is not http(s) and a short HMAC secret, naming each field', async () => {
    await expect(addDestination(cliActor, { kind: 'webhook', name: 'x', url: 'file:///etc/passwd', secret: 'short' })).rejects.toThrow(
      new DestinationChangeRefused('url: must be an http:// or https:// URL; secret: must be at least 16 characters'),
    )
    await expect(addDestination(cliActor, { kind: 'email', name: 'x', host: 'smtp', port: 25, tls: 'none', from: 'a@b.c', to: 'not-an-address' })).rejects.toThrow(/to\.0: must be an e-mail address/)
  })

  it('lets only thresholds:write manage destinations or read the delivery log', async () => {
    await expect(listDestinations(auditor)).rejects.toBeInstanceOf(AccessDenied)
    await expect(deliveryLog(auditor)).rejects.toBeInstanceOf(AccessDenied)
    await expect(addDestination(auditor, { kind: 'slack', name: 'x', url: 'https://hooks.slack.com/services/T/B/C' })).rejects.toBeInstanceOf(AccessDenied)
  })
})
