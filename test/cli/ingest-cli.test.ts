import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { INGESTIBLE_SOURCES } from '@/lib/sources'

// The CLI contract of shared/spec/cli.md, run as scripts outside the project run it.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-cli-'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-cli-files-'))

function custody(args: string[], stdin?: string) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    input: stdin,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const write = (name: string, content: string | Buffer) => {
  const file = path.join(work, name)
  fs.writeFileSync(file, content)
  return file
}

const good = (i: number) => JSON.stringify({ time: `2026-10-03T14:22:0${i}.000Z`, 'mcp.method.name': 'tools/call', event_id: `cli-${i}` })

describe('custody ingest', () => {
  it('prints the summary object, lists each bad line, and exits 1 when some were rejected', () => {
    const file = write('mixed.ndjson', [good(1), good(2), good(1), '{"time": "2026-10-03T14:22:09Z", "mcp.target": "billing"}', '{not json', good(3)].join('\n') + '\n')
    const run = custody(['ingest', '--source', 'gateway', file, '--json'])
    expect(run.code).toBe(1)
    const summary = JSON.parse(run.stdout)
    expect(summary).toEqual({
      source: 'gateway',
      read: 6,
      accepted: 3,
      duplicates: 1,
      rejected: 2,
      rejects: [
        { line: 4, error: 'mcp.method.name: required', file },
        { line: 5, error: expect.stringMatching(/^invalid JSON: /), file },
      ],
    })
  })

  it('adds nothing when the same file is ingested again, and exits 0', () => {
    const file = write('again.ndjson', [good(4), good(5)].join('\n'))
    expect(custody(['ingest', '--source', 'gateway', file, '--json']).code).toBe(0)
    const again = custody(['ingest', '--source', 'gateway', file, '--json'])
    expect(again.code).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 2, accepted: 0, duplicates: 2, rejected: 0 })
  })

  it('reads standard input with -, and gzip files', () => {
    const stdin = custody(['ingest', '--source', 'gateway', '-', '--json'], good(6) + '\n')
    expect(JSON.parse(stdin.stdout)).toMatchObject({ read: 1, accepted: 1 })
    const gz = write('lines.ndjson.gz', gzipSync(good(7) + '\n' + good(8) + '\n'))
    expect(JSON.parse(custody(['ingest', '--source', 'gateway', gz, '--json']).stdout)).toMatchObject({ read: 2, accepted: 2 })
  })

  it('keeps progress off standard output and prints a readable summary without --json', () => {
    const file = write('human.ndjson', good(9) + '\n{"oops":1,"mcp.target":"billing"}\n')
    const run = custody(['ingest', '--source', 'gateway', file])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('source gateway: read 2, accepted 1, duplicates 0, rejected 1')
    expect(run.stdout).toContain(`${file}:2: time: required`)
  })

  it('exits 2 on a usage error, saying what was wrong', () => {
    const unknownSource = custody(['ingest', '--source', 'splunk', 'x.ndjson'])
    expect(unknownSource.code).toBe(2)
    expect(unknownSource.stderr).toContain(`--source must be one of: ${INGESTIBLE_SOURCES.join(', ')}`)
    const missingFile = custody(['ingest', '--source', 'okta', path.join(work, 'nope.ndjson')])
    expect(missingFile.code).toBe(2)
    expect(missingFile.stderr).toContain('no such file')
    expect(custody(['ingest', '--source', 'okta']).code).toBe(2)
    expect(custody(['frobnicate']).code).toBe(2)
    expect(custody(['report', 'unattributed', '--from', 'yesterday', '--to', '2026-11-01T00:00:00Z', '--json']).code).toBe(2)
  })
})
