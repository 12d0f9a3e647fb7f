import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

// A report larger than a pipe holds (64 KiB) must reach whatever reads standard output whole.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-json-output-'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-json-output-files-'))
const env = { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' }
const REPORT = ['report', 'attribution', '--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z', '--json']
const PEOPLE = 5000

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], { env, encoding: 'utf8', timeout: 120_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** One key per person, and one action with each key: the attribution report lists every person. */
function writeInventoryAndActions(): { keys: string; actions: string } {
  const sha = (i: number) => i.toString(16).padStart(64, '0')
  const owner = (i: number) => `agent-operator-${String(i).padStart(5, '0')}@example.com`
  const keys = Array.from({ length: PEOPLE }, (_, i) =>
    JSON.stringify({ sha256: sha(i), name: `key-${i}`, type: 'api_key', owner: owner(i), service_account: null, created_at: '2026-06-01T00:00:00Z' }),
  )
  const actions = Array.from({ length: PEOPLE }, (_, i) =>
    JSON.stringify({ time: '2026-10-03T14:22:05.118Z', 'mcp.method.name': 'tools/call', event_id: `out-${i}`, 'mcp.target': 'billing', 'apiKey.sha256': sha(i) }),
  )
  const files = { keys: path.join(work, 'keys.ndjson'), actions: path.join(work, 'actions.ndjson') }
  fs.writeFileSync(files.keys, keys.join('\n') + '\n')
  fs.writeFileSync(files.actions, actions.join('\n') + '\n')
  return files
}

function expectWholeReport(stdout: string) {
  expect(stdout.length).toBeGreaterThan(1 << 20)
  const report = JSON.parse(stdout)
  expect(report.report).toBe('attribution')
  expect(report.identities).toHaveLength(PEOPLE)
}

beforeAll(() => {
  const files = writeInventoryAndActions()
  expect(custody(['ingest', '--source', 'keys', files.keys]).code).toBe(0)
  expect(custody(['ingest', '--source', 'gateway', files.actions]).code).toBe(0)
}, 240_000)

describe('JSON on standard output', () => {
  it('prints a report larger than 1 MiB whole to a pipe into another program', () => {
    const command = `npm run -s custody -- ${REPORT.join(' ')} | cat`
    const run = spawnSync('sh', ['-c', command], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 })
    expectWholeReport(run.stdout)
  }, 120_000)

  it('stops quietly, exit code 0, when the reader takes only the start (| head)', () => {
    const command = `npm run -s custody -- ${REPORT.join(' ')} | head -c 100; exit \${PIPESTATUS[0]}`
    const run = spawnSync('bash', ['-c', command], { env, encoding: 'utf8', timeout: 120_000 })
    expect(run.stdout).toHaveLength(100)
    expect(run.stdout.startsWith('{"report":"attribution"')).toBe(true)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  }, 120_000)

  it('prints it whole to a file', () => {
    const out = path.join(work, 'report.json')
    const fd = fs.openSync(out, 'w')
    const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...REPORT], { env, stdio: ['ignore', fd, 'pipe'], timeout: 120_000 })
    fs.closeSync(fd)
    expect(run.status).toBe(0)
    expectWholeReport(fs.readFileSync(out, 'utf8'))
  }, 120_000)

  it('prints it whole to a terminal', () => {
    // script(1) gives the command a pseudo-terminal and copies what it shows (line ends as \r\n)
    const command = `npm run -s custody -- ${REPORT.join(' ')}`
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 26 })
    expect(run.status).toBe(0)
    expectWholeReport(run.stdout.replace(/\r\n/g, '\n'))
  }, 120_000)
})
