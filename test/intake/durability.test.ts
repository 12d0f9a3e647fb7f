import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { closeClickHouse, query, sql } from '@/lib/clickhouse'
import { CRASH_POINTS } from '@/lib/intake/crash-points'
import { releaseDataDirLock } from '@/lib/store/lock'
import { newDataDir, provisionToken, startDashboard, stopDashboard, type Dashboard } from './dashboard'

// intake.md: "A request that answered 200 is durable". The server is killed with SIGKILL at each
// point of a post; the sender retries until it gets an answer, as Vector or the Collector would.
const dataDir = newDataDir('durability')
const PORT = 3183
// Two store batches per post (the pipeline stores 20 000 records at a time): `mid-insert` falls between them.
const RECORDS_PER_POST = 25_000

afterAll(async () => {
  await closeClickHouse()
  releaseDataDirLock(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

/** A JSON array of gateway lines (a document: parsed in JS and stored batch by batch). */
function post(n: number): string {
  const lines = Array.from({ length: RECORDS_PER_POST }, (_, i) =>
    JSON.stringify({ time: new Date(Date.UTC(2026, 9, 3) + i * 1000).toISOString(), 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', event_id: `post${n}-${i}` }),
  )
  return `[${lines.join(',\n')}]`
}

type Answer = { accepted: number; duplicates: number; read: number }

async function send(url: string, token: string, body: string): Promise<Answer> {
  const res = await fetch(`${url}/api/ingest/gateway`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
  if (res.status !== 200) throw new Error(`answered ${res.status}`)
  return (await res.json()) as Answer
}

/** Half the body, then the server is killed: the sender's request fails without an answer. */
async function sendHalfThenKill(dashboard: Dashboard, token: string, body: string): Promise<void> {
  const bytes = new TextEncoder().encode(body)
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, bytes.length >> 1))
      setTimeout(() => dashboard.process.kill('SIGKILL'), 300)
    },
  })
  await expect(
    fetch(`${dashboard.url}/api/ingest/gateway`, { method: 'POST', body: stream, duplex: 'half', headers: { authorization: `Bearer ${token}` } } as RequestInit),
  ).rejects.toThrow()
}

describe('kill -9 at every point of a post, and the sender retries', () => {
  it('loses no record answered 200 and stores none twice', async () => {
    const token = provisionToken(dataDir, 'durability', 'gateway')
    const answered: number[] = []
    let n = 0
    for (const point of ['mid-body', ...CRASH_POINTS, 'after-answer'] as const) {
      n++
      const body = post(n)
      const crashing = await startDashboard(dataDir, PORT, point === 'mid-body' || point === 'after-answer' ? {} : { CUSTODY_TEST_CRASH_AT: point })
      if (point === 'mid-body') await sendHalfThenKill(crashing, token, body)
      else if (point === 'after-answer') {
        expect(await send(crashing.url, token, body)).toMatchObject({ read: RECORDS_PER_POST, accepted: RECORDS_PER_POST })
        answered.push(n)
        crashing.process.kill('SIGKILL')
      } else await expect(send(crashing.url, token, body), point).rejects.toThrow('fetch failed') // no answer at all: the server died
      await stopDashboard(crashing, 'SIGKILL')

      const restarted = await startDashboard(dataDir, PORT)
      const retry = await send(restarted.url, token, body)
      expect(retry.read, point).toBe(RECORDS_PER_POST)
      expect(retry.accepted + retry.duplicates, point).toBe(RECORDS_PER_POST)
      // what the crash left stored shows where it struck
      if (point === 'after-answer' || point === 'before-answer') expect(retry.duplicates, point).toBe(RECORDS_PER_POST)
      else if (point === 'mid-insert') expect(retry.duplicates, 'the first batch only').toBeGreaterThan(0)
      else expect(retry.duplicates, point).toBe(0)
      if (point === 'mid-insert') expect(retry.duplicates).toBeLessThan(RECORDS_PER_POST)
      answered.push(n)
      await stopDashboard(restarted, 'SIGKILL')
    }

    process.env.CUSTODY_DATA_DIR = dataDir
    delete process.env.CLICKHOUSE_URL
    const perPost = await query<{ post: string; rows: number; ids: number }>(
      sql`SELECT splitByChar('-', event_id)[1] AS post, count() AS rows, uniqExact(event_id) AS ids FROM gateway_requests GROUP BY post ORDER BY post`,
      { tag: 'test' },
    )
    expect(perPost.map((p) => [p.post, Number(p.rows), Number(p.ids)])).toEqual([...new Set(answered)].map((k) => [`post${k}`, RECORDS_PER_POST, RECORDS_PER_POST]))
  }, 600_000)
})
