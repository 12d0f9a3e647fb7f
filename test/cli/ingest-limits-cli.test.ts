import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { constants, gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

// Input that is damaged, huge or odd loses only itself: every good record around it is stored.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-limits-cli-'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-limits-cli-files-'))

function custody(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, summary: () => JSON.parse(run.stdout) }
}

const write = (name: string, content: string | Buffer) => {
  const file = path.join(work, name)
  fs.writeFileSync(file, content)
  return file
}

const action = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ time: '2026-10-04T10:00:00.000Z', 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', event_id: id, ...extra })

const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`

const LIMIT_ERROR = (bytes: number) => `record larger than ${bytes} bytes (the limit: CUSTODY_MAX_RECORD_BYTES or --max-record-bytes)`

describe('custody ingest of damaged input', () => {
  it('stores every whole line of a gzip file cut in half, and rejects the rest where it broke as cut short', () => {
    const lines = Array.from({ length: 2800 }, (_, i) => action(`gz-cut-${i}`, { 'src.addr': `198.51.100.${i % 250}` }))
    const gz = gzipSync(lines.join('\n') + '\n')
    const half = gz.subarray(0, gz.length >> 1)
    // what zcat recovers from the half, counted independently
    const whole = gunzipSync(half, { finishFlush: constants.Z_SYNC_FLUSH }).toString().split('\n').length - 1
    expect(whole).toBeGreaterThan(1000)
    const file = write('cut.ndjson.gz', half)
    const run = custody(['ingest', '--source', 'gateway', file, '--json'])
    expect(run.code).toBe(1)
    expect(run.summary()).toMatchObject({
      read: whole + 1,
      accepted: whole,
      rejected: 1,
      rejects: [{ line: whole + 1, error: 'input cut short: the gzip data ends early; the last line ends mid-record', file }],
    })
    // they were stored: a second run finds them all
    expect(custody(['ingest', '--source', 'gateway', file, '--json']).summary()).toMatchObject({ accepted: 0, duplicates: whole })
  })

  it('stores every line before a last line cut mid-record, and rejects that one as cut short', () => {
    const text = Array.from({ length: 100 }, (_, i) => action(`plain-cut-${i}`)).join('\n')
    const file = write('cut.ndjson', text.slice(0, text.lastIndexOf('\n') + 40))
    const run = custody(['ingest', '--source', 'gateway', file, '--json'])
    expect(run.code).toBe(1)
    expect(run.summary()).toMatchObject({
      read: 100,
      accepted: 99,
      rejected: 1,
      rejects: [{ line: 100, error: 'input cut short: the last line ends mid-record' }],
    })
  })
})

describe('custody ingest limits', () => {
  it('rejects alone a 512 MiB line and a record nested 10,000 levels deep, within bounded memory', () => {
    // gzip members may follow one another: 32 of 16 MiB of padding make one 512 MiB line from a small file
    const padding = gzipSync(Buffer.alloc(16 << 20, 'x'), { level: 1 })
    const file = write('huge.ndjson.gz', Buffer.concat([
      gzipSync(`${action('huge-1')}\n{"time":"2026-10-04T10:00:00.000Z","mcp.method.name":"tools/call","event_id":"huge-pad","pad":"`),
      ...Array.from({ length: 32 }, () => padding),
      gzipSync(`"}\n${action('huge-2')}\n${action('deep', { x: 'NESTED' }).replace('"NESTED"', nested(10_000))}\n${action('huge-3')}\n`),
    ]))
    const run = custody(['ingest', '--source', 'gateway', file, '--json'], { NODE_OPTIONS: '--max-old-space-size=256' })
    expect(run.code, run.stderr).toBe(1)
    expect(run.summary()).toMatchObject({
      read: 5,
      accepted: 3,
      rejected: 2,
      rejects: [
        { line: 2, error: LIMIT_ERROR(1 << 20) },
        { line: 4, error: 'record nested deeper than 100 levels' },
      ],
    })
  })

  it('rejects a deeply nested IdP record alone instead of failing the file', () => {
    const event = JSON.parse(fs.readFileSync('test/fixtures/okta/session-start.json', 'utf8'))
    const okta = (uuid: string) => JSON.stringify({ ...event, uuid })
    const deep = okta('deep').replace(/}$/, `,"debugData":${nested(10_000)}}`)
    const file = write('deep-okta.ndjson', [okta('okta-limit-1'), deep, okta('okta-limit-2')].join('\n') + '\n')
    const run = custody(['ingest', '--source', 'okta', file, '--json'])
    expect(run.summary()).toMatchObject({
      read: 3,
      accepted: 2,
      rejected: 1,
      rejects: [{ line: 2, error: 'record nested deeper than 100 levels' }],
    })
  })

  it('takes the limit from --max-record-bytes or CUSTODY_MAX_RECORD_BYTES, before the engine sees a line', () => {
    // a plainly valid line the engine would store by itself
    const long = action('over-limit', { 'gen_ai.tool.name': 't'.repeat(1500) })
    const file = write('limit.ndjson', [action('limit-1'), long, action('limit-2')].join('\n') + '\n')
    for (const run of [
      custody(['ingest', '--source', 'gateway', file, '--json', '--max-record-bytes', '1024']),
      custody(['ingest', '--source', 'gateway', file, '--json'], { CUSTODY_MAX_RECORD_BYTES: '1024' }),
    ]) {
      expect(run.code).toBe(1)
      expect(run.summary()).toMatchObject({ read: 3, rejected: 1, rejects: [{ line: 2, error: LIMIT_ERROR(1024) }] })
    }
    // it was never stored: under the default limit it is new
    expect(custody(['ingest', '--source', 'gateway', file, '--json']).summary()).toMatchObject({ accepted: 1, duplicates: 2 })
    const bad = custody(['ingest', '--source', 'gateway', file, '--max-record-bytes', '10'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--max-record-bytes must be at least 1024 bytes')
  })
})
