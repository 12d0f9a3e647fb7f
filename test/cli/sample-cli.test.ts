import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-sample-cli-'))
// only the spawned commands ever lock it, and each has exited
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const PERIOD = ['--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z']
const AS_OF = ['--as-of', '2026-12-06T00:00:00Z']
const sample = (population: string, size: number, seed: string) => {
  const run = custody(['sample', '--population', population, ...PERIOD, '--size', String(size), '--seed', seed, ...AS_OF, '--json'])
  expect(run.code, run.stderr).toBe(0)
  return { stdout: run.stdout, json: JSON.parse(run.stdout) as { population_size: number; items: Record<string, unknown>[] } }
}

describe('custody sample', () => {
  it('prints the same sample from two processes for one seed, another order for another seed, all of it past its size', () => {
    expect(custody(['ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson']).code).toBe(0)
    expect(custody(['ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson']).code).toBe(0)
    const first = sample('actions', 4, 'soc2-2026')
    expect(sample('actions', 4, 'soc2-2026').stdout).toBe(first.stdout)
    expect(Object.keys(JSON.parse(first.stdout))).toEqual(['population', 'from', 'to', 'seed', 'size', 'population_size', 'items'])
    expect(first.json).toMatchObject({ population: 'actions', from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', seed: 'soc2-2026', size: 4, population_size: 10 })
    expect(first.json.items).toHaveLength(4)

    const all = (seed: string) => sample('actions', 50, seed).json.items.map((i) => i.event_id)
    const [a, b] = [all('soc2-2026'), all('another')]
    expect(a).toHaveLength(10)
    expect(a.slice(0, 4)).toEqual(first.json.items.map((i) => i.event_id))
    expect(b.toSorted()).toEqual(a.toSorted())
    expect(b).not.toEqual(a)

    const report = JSON.parse(custody(['report', 'unattributed', ...PERIOD, '--json']).stdout)
    expect(sample('unattributed-actions', 1, 'x').json.population_size).toBe(report.unattributed_actions)
  }, 400_000) // nine commands, each a fresh process opening the stores

  it('prints what it drew and the items as the population CSV without --json', () => {
    const run = custody(['sample', '--population', 'identities', ...PERIOD, '--size', '2', '--seed', 'people'])
    expect(run.code, run.stderr).toBe(0)
    const [said, header, ...rows] = run.stdout.split(/\r?\n/).filter(Boolean)
    expect(said).toMatch(/^2 of \d+ identities, seed "people", 2026-01-01T00:00:00.000Z ≤ t < 2027-01-01T00:00:00.000Z$/)
    expect(header).toBe('identity,kind,display_name,owner,actions,servers,tools,clients,first_action,last_action,by_credential,by_subject_claim,by_session,after_expiry,after_revocation,after_deprovision,conflict')
    expect(rows).toHaveLength(2)
  }, 120_000)

  it('refuses bad arguments as a usage error naming the flag', () => {
    const cases: [string[], string][] = [
      [['--population', 'people', ...PERIOD, '--size', '2', '--seed', 's'], '--population must be one of: actions, credentials, triggers, identities, unattributed-actions, post-trigger-actions'],
      [['--population', 'actions', ...PERIOD, '--size', '0', '--seed', 's'], '--size must be at least 1'],
      [['--population', 'actions', ...PERIOD, '--size', 'ten', '--seed', 's'], '--size must be a whole number from 1'],
      [['--population', 'actions', ...PERIOD, '--size', '2'], '--seed is required'],
      [['--population', 'actions', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z', '--size', '2', '--seed', 's'], '--from must be before --to'],
      [['--population', 'actions', '--from', 'yesterday', '--to', '2026-01-01T00:00:00Z', '--size', '2', '--seed', 's'], '--from must be an ISO 8601 time'],
      [['--population', 'actions', ...PERIOD, '--size', '2', '--seed', 's', '--colour'], "Unknown option '--colour'"],
    ]
    for (const [args, message] of cases) {
      const run = custody(['sample', ...args])
      expect(run.code, args.join(' ')).toBe(2)
      expect(run.stderr).toContain(message)
      expect(run.stdout).toBe('')
    }
  }, 300_000)
})
