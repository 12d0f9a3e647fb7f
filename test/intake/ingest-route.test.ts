import fs from 'node:fs'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { POST } from '@/app/api/ingest/[source]/route'
import { cliActor } from '@/lib/auth/actor'
import { command, query, sql } from '@/lib/clickhouse'
import { createIngestToken } from '@/lib/intake/tokens'
import { storedRequestRows, storedRequests, useIntakeStore } from './store'

useIntakeStore('route')

let token = ''
beforeAll(async () => {
  token = (await createIngestToken(cliActor, { name: 'gateway-shipper', sources: ['gateway', 'keys'] })).token
})

const line = (i: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ time: `2026-10-03T14:22:${String(i % 60).padStart(2, '0')}.000Z`, 'mcp.method.name': 'tools/call', event_id: `route-${i}`, ...extra })

function post(source: string, body: BodyInit, headers: Record<string, string> = {}) {
  const request = new Request(`http://127.0.0.1/api/ingest/${source}`, { method: 'POST', body, duplex: 'half', headers: { authorization: `Bearer ${token}`, ...headers } } as RequestInit)
  return POST(request, { params: Promise.resolve({ source }) })
}

describe('POST /api/ingest/<source>', () => {
  it('stores a gzip NDJSON post and answers the ingest --json object, with each bad line named', async () => {
    const body = gzipSync([line(1), '{not json', line(2), JSON.stringify({ time: '2026-10-03T14:22:09Z', 'mcp.target': 'billing' }), line(3)].join('\n') + '\n')
    const res = await post('gateway', body, { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' })
    expect(res.status).toBe(200)
    const answer = await res.json()
    expect(answer).toMatchObject({ source: 'gateway', read: 5, accepted: 3, duplicates: 0, rejected: 2 })
    expect(answer.rejects.map((r: { line: number }) => r.line)).toEqual([2, 4])
    expect(answer.rejects[0].error).toMatch(/invalid JSON/)
    expect(await storedRequests()).toBe(3)
  })

  it('counts a retried post as duplicates, never twice', async () => {
    const body = [line(1), line(2), line(3), line(4)].join('\n')
    const res = await post('gateway', body)
    expect(await res.json()).toMatchObject({ read: 4, accepted: 1, duplicates: 3, rejected: 0 })
    expect(await storedRequests()).toBe(4)
    expect(await storedRequestRows()).toBe(4)
  })

  it('reads a JSON array and a vendor page envelope like the CLI', async () => {
    const keys = fs.readFileSync('test/fixtures/keys/inventory.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    const res = await post('keys', JSON.stringify({ value: keys }), { 'content-type': 'application/json' })
    expect(await res.json()).toMatchObject({ source: 'keys', read: keys.length, rejected: 0 })
    const array = await post('gateway', JSON.stringify([JSON.parse(line(10)), JSON.parse(line(11))]))
    expect(await array.json()).toMatchObject({ read: 2, accepted: 2 })
  })

  it('refuses without storing: 401 without a valid token, 403 for a source not allowed, 404 for no such source', async () => {
    const before = await storedRequestRows()
    expect((await post('gateway', line(50), { authorization: '' })).status).toBe(401)
    expect((await post('gateway', line(50), { authorization: 'Bearer cit_nope' })).status).toBe(401)
    const refused = await post('okta', '{}')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ error: 'this ingest token may not post okta' })
    expect((await post('nosuch', line(50))).status).toBe(404)
    expect(await storedRequestRows()).toBe(before)
  })

  it('answers 413 for a body over the limit and stores nothing of it; a record over the record limit is one reject', async () => {
    process.env.CUSTODY_INTAKE_MAX_BODY_BYTES = String(64 * 1024)
    process.env.CUSTODY_MAX_RECORD_BYTES = '2048'
    try {
      const before = await storedRequestRows()
      const big = Array.from({ length: 400 }, (_, i) => line(100 + i, { pad: 'x'.repeat(100) })).join('\n')
      const res = await post('gateway', big)
      expect(res.status).toBe(413)
      expect((await post('gateway', gzipSync(big), { 'content-encoding': 'gzip' })).status).toBe(413)
      expect(await storedRequestRows()).toBe(before)

      const mixed = await post('gateway', [line(600), line(601, { pad: 'y'.repeat(4000) }), line(602)].join('\n'))
      expect(await mixed.json()).toMatchObject({ read: 3, accepted: 2, rejected: 1, rejects: [{ line: 2, error: expect.stringContaining('larger than 2048 bytes') }] })
    } finally {
      delete process.env.CUSTODY_INTAKE_MAX_BODY_BYTES
      delete process.env.CUSTODY_MAX_RECORD_BYTES
    }
  })

  it('answers 429 with Retry-After when more posts arrive than it takes at once, and stores nothing of them', async () => {
    process.env.CUSTODY_INTAKE_CONCURRENCY = '1'
    try {
      let release: () => void = () => {}
      const slow = new ReadableStream({ start: (c) => { c.enqueue(new TextEncoder().encode(line(700) + '\n')); release = () => c.close() } })
      const first = post('gateway', slow, {})
      await new Promise((r) => setTimeout(r, 200))
      const busy = await post('gateway', line(701))
      expect(busy.status).toBe(429)
      expect(busy.headers.get('retry-after')).toBe('1')
      release()
      expect(await (await first).json()).toMatchObject({ accepted: 1 })
      const [row] = await query<{ n: string }>(sql`SELECT count() AS n FROM gateway_requests WHERE event_id = 'route-701'`, { tag: 'test' })
      expect(Number(row.n)).toBe(0)
    } finally {
      delete process.env.CUSTODY_INTAKE_CONCURRENCY
    }
  })

  it('answers 503 with Retry-After when the store fails, and the retry stores the post', async () => {
    const body = [line(800), line(801)].join('\n')
    await command(sql`DETACH TABLE gateway_requests`, { tag: 'test' })
    let failed: Response
    try {
      failed = await post('gateway', body)
    } finally {
      await command(sql`ATTACH TABLE gateway_requests`, { tag: 'test' })
    }
    expect(failed.status).toBe(503)
    expect(failed.headers.get('retry-after')).toBe('5')
    expect(await (await post('gateway', body)).json()).toMatchObject({ read: 2, accepted: 2, duplicates: 0 })
  })
})
