import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { addDestination } from '@/lib/notifications/destinations'
import { releaseDataDirLock } from '@/lib/store/lock'
import { custodyAsync, newDataDir } from '../intake/dashboard'
import { httpReceiver } from '../notifications/receivers'

// Cron without a dashboard: `custody ingest` queues what its evaluation raised, `custody alerts run` sends it.
const dataDir = newDataDir('alerts-notify-cli')
let receiver: Awaited<ReturnType<typeof httpReceiver>>

beforeAll(async () => {
  receiver = await httpReceiver()
  process.env.CUSTODY_DATA_DIR = dataDir
  delete process.env.DATABASE_URL
  delete process.env.CUSTODY_SEALING_KEY
  await addDestination(cliActor, { kind: 'webhook', name: 'cron hook', url: receiver.url, secret: 'cron-hook-secret-0123' })
  await closeAppStore()
  releaseDataDirLock(dataDir) // the commands below own the data dir, one after another
})

afterAll(async () => {
  await receiver.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('custody alerts run', () => {
  it('sends the notifications an ingest queued, once, before it exits', async () => {
    expect((await custodyAsync(dataDir, ['ingest', '--source', 'okta', 'test/fixtures/e2e-alerts/okta.ndjson'])).code).toBe(0)
    expect((await custodyAsync(dataDir, ['ingest', '--source', 'gateway', 'test/fixtures/e2e-alerts/gateway.ndjson'])).code).toBe(0)
    expect(receiver.received).toHaveLength(0) // queued by the ingest's evaluation, not sent by it

    const run = await custodyAsync(dataDir, ['alerts', 'run', '--json'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(run.stdout).alerts).toMatchObject([{ rule: 'unattributed_ratio', state: 'firing', subject: 'all', value: 0.1 }])
    expect(receiver.received.map((r) => JSON.parse(r.body))).toMatchObject([{ event: 'alert.firing', alert: { rule: 'unattributed_ratio', value: 0.1, threshold: 0.01 } }])

    expect((await custodyAsync(dataDir, ['alerts', 'run', '--json'])).code).toBe(0)
    expect(receiver.received).toHaveLength(1) // still firing: nothing new to say
  }, 240_000)
})
