import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import type { Alert } from '@/lib/alerts/alert'
import { deliverDueNotifications, notifyAlertChanges } from '@/lib/notifications'
import { addDestination } from '@/lib/notifications/destinations'
import type { DeliveryPolicy } from '@/lib/notifications/policy'
import { postgresBackend } from '../store/backends'
import { httpReceiver } from './receivers'

// Several dashboard processes may share one PostgreSQL, each running the worker: a delivery is
// claimed by one of them (FOR UPDATE SKIP LOCKED and a lease) and sent once.
const postgresUrl = process.env.TEST_DATABASE_URL
const policy: DeliveryPolicy = { timeoutMs: 2000, maxAttempts: 3, backoffMs: 50, maxBackoffMs: 1000, origin: 'https://custody.example.com' }

const alertsFor = (n: number): Alert[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    rule: 'token_over_max_age',
    state: 'firing',
    subject: `credential-${i}`,
    value: 120 + i,
    threshold: 90,
    since: '2026-10-01T00:00:00.000Z',
    link: `/token-age?identity=credential-${i}`,
  }))

describe.runIf(postgresUrl)('the delivery queue on PostgreSQL', () => {
  const backend = postgresBackend(postgresUrl ?? '')
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-notify-pg-'))
  let receiver: Awaited<ReturnType<typeof httpReceiver>>

  beforeAll(async () => {
    await backend.reset()
    process.env.DATABASE_URL = postgresUrl
    process.env.CUSTODY_DATA_DIR = keyDir // where the sealing key is made
    delete process.env.CUSTODY_SEALING_KEY
    await openAppStore()
    receiver = await httpReceiver()
  })
  afterAll(async () => {
    await receiver.close()
    await closeAppStore()
    backend.dispose()
    fs.rmSync(keyDir, { recursive: true, force: true })
  })

  it('sends each of 30 queued notifications exactly once when four workers run at the same time', async () => {
    await addDestination(cliActor, { kind: 'webhook', name: 'shared', url: receiver.url, secret: 'shared-secret-012345' })
    expect(await notifyAlertChanges({ evaluated_at: '2026-10-02T00:00:00.000Z', fired: alertsFor(30), resolved: [] })).toEqual({ queued: 30 })
    const runs = await Promise.all([1, 2, 3, 4].map(() => deliverDueNotifications(policy)))
    expect(runs.reduce((sum, r) => sum + r.delivered, 0)).toBe(30)
    const subjects = receiver.received.map((r) => JSON.parse(r.body).alert.subject)
    expect(subjects).toHaveLength(30)
    expect(new Set(subjects).size).toBe(30)
    expect(await deliverDueNotifications(policy)).toEqual({ delivered: 0, retrying: 0, failed: 0 })
  })
})

if (!postgresUrl && process.env.CI) {
  it('runs the PostgreSQL queue suite in CI', () => expect.fail('TEST_DATABASE_URL is unset; `source test/ci/postgres.sh` starts a server and sets it'))
}
