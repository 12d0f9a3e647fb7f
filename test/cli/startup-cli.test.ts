import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { releaseDataDirLock } from '@/lib/store/lock'

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-startup-'))
const PERIOD = ['--from', '2026-10-01T00:00:00Z', '--to', '2026-11-01T00:00:00Z']

function custody(args: string[], opts: { cwd?: string; dataDir?: string } = {}) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, CUSTODY_DATA_DIR: opts.dataDir ?? path.join(work, 'data'), CUSTODY_TRACE: '1', CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** The statements CUSTODY_TRACE printed, as `<store> <tag>: <statement head>`. */
function traced(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => /^custody: trace \+\d+ms (.*)$/.exec(line)?.[1])
    .filter((s): s is string => s !== undefined)
}

const DDL = /: (CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i

/** A copy of the project's sources beside links to its packages, so a source edit there touches nothing here. */
function copyProject(): string {
  const dir = path.join(work, 'project')
  for (const entry of ['lib', 'db', 'app', 'tsconfig.json', 'package.json']) {
    if (fs.existsSync(entry)) fs.cpSync(entry, path.join(dir, entry), { recursive: true })
  }
  // node_modules linked package by package: the copy's compiled CLI lives in its own node_modules/.cache
  fs.mkdirSync(path.join(dir, 'node_modules'))
  for (const pkg of fs.readdirSync('node_modules')) {
    if (pkg !== '.cache') fs.symlinkSync(path.resolve('node_modules', pkg), path.join(dir, 'node_modules', pkg))
  }
  return dir
}

function builds(project: string): string[] {
  const cache = path.join(project, 'node_modules', '.cache', 'custody-cli')
  return fs.existsSync(cache) ? fs.readdirSync(cache).filter((n) => n.startsWith('build-')).sort() : []
}

afterAll(() => {
  releaseDataDirLock(path.join(work, 'data'))
  fs.rmSync(work, { recursive: true, force: true })
})

describe('custody start-up', () => {
  it('runs migration DDL on the first start of a data dir and none on the second', async () => {
    const first = custody(['report', 'coverage', ...PERIOD, '--json'])
    expect(first.code, first.stderr).toBe(0)
    expect(traced(first.stderr).filter((s) => DDL.test(s)).length).toBeGreaterThan(5)
    expect(traced(first.stderr).some((s) => s.startsWith('app-store migrate:'))).toBe(true)

    // any DDL the next start sends to the app store lands in ddl_seen, whoever sends it
    const pgDir = path.join(work, 'data', 'postgres')
    const watch = await PGlite.create(pgDir)
    await watch.exec(`CREATE TABLE ddl_seen (tag text);
      CREATE FUNCTION note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO ddl_seen VALUES (tg_tag); END $$;
      CREATE EVENT TRIGGER note_ddl ON ddl_command_start EXECUTE FUNCTION note_ddl();`)
    await watch.exec('CREATE SCHEMA IF NOT EXISTS drizzle') // what drizzle's migrator starts with: the watch sees it
    expect((await watch.query('DELETE FROM ddl_seen RETURNING tag')).rows).toEqual([{ tag: 'CREATE SCHEMA' }])
    await watch.close()

    const second = custody(['report', 'unattributed', ...PERIOD, '--json'])
    expect(second.code, second.stderr).toBe(0)
    expect(JSON.parse(second.stdout)).toMatchObject({ report: 'unattributed', from: '2026-10-01T00:00:00.000Z' })
    const statements = traced(second.stderr)
    expect(statements.filter((s) => DDL.test(s))).toEqual([])
    expect(statements.filter((s) => / migrate/.test(s)).map((s) => s.split(':')[0] + ':' + s.split(':')[1])).toEqual([
      'clickhouse migrate:ledger',
      'app-store migrate:ledger',
    ])
    const after = await PGlite.create(pgDir)
    const seen = await after.query<{ tag: string }>('SELECT tag FROM ddl_seen')
    await after.close()
    expect(seen.rows).toEqual([])
  })

  it('answers from the thresholds it read last while the app store is unchanged, and reads the store again after a change', () => {
    const dataDir = path.join(work, 'thresholds-data')
    const report = () => {
      const run = custody(['report', 'unattributed', ...PERIOD, '--json'], { dataDir })
      expect(run.code, run.stderr).toBe(0)
      const appStore = traced(run.stderr).filter((s) => s.startsWith('app-store '))
      return { thresholds: JSON.parse(run.stdout).thresholds, appStore: appStore.map((s) => s.split(':')[0] + ':' + s.split(':')[1]) }
    }
    expect(report()).toMatchObject({ thresholds: { version: 0, unattributed_ratio: 0.01 }, appStore: expect.arrayContaining(['app-store migrate:ledger']) })
    expect(report()).toEqual({ thresholds: expect.objectContaining({ version: 0, unattributed_ratio: 0.01 }), appStore: ['app-store thresholds:unchanged'] })

    const settings = path.join(work, 'ratio.json')
    fs.writeFileSync(settings, JSON.stringify({ unattributed_ratio: 0.5 }))
    const set = custody(['thresholds', 'set', settings, '--reason', 'pilot', '--json'], { dataDir })
    expect(set.code, set.stderr).toBe(0)
    const changed = report()
    expect(changed.thresholds).toMatchObject({ version: 1, unattributed_ratio: 0.5 })
    expect(changed.appStore).toContain('app-store migrate:ledger')
    expect(report()).toEqual({ thresholds: expect.objectContaining({ version: 1, unattributed_ratio: 0.5 }), appStore: ['app-store thresholds:unchanged'] })
    releaseDataDirLock(dataDir)
  })

  it('compiles once, runs the compiled CLI while nothing changed, and rebuilds when a source changes', () => {
    const project = copyProject()
    const dataDir = path.join(work, 'copy-data')
    const usage = () => custody([], { cwd: project, dataDir })
    const first = usage()
    expect(first.code).toBe(2)
    expect(first.stderr).toContain('npm run -s custody -- migrate')
    const compiled = builds(project)
    expect(compiled).toHaveLength(1)

    // saved again without a change (a checkout, an editor): same build
    const usageFile = path.join(project, 'lib', 'cli', 'usage.ts')
    const later = new Date(Date.now() + 5_000)
    fs.utimesSync(usageFile, later, later)
    expect(usage().stderr).toContain('npm run -s custody -- migrate')
    expect(builds(project)).toEqual(compiled)

    // an edit, even one keeping the file's size, runs the edited code at the next start
    const source = fs.readFileSync(usageFile, 'utf8')
    fs.writeFileSync(usageFile, source.replace('npm run -s custody -- migrate', 'npm run -s custody -- MIGRATE'))
    const edited = usage()
    expect(edited.code).toBe(2)
    expect(edited.stderr).toContain('npm run -s custody -- MIGRATE')
    expect(builds(project)).toHaveLength(2)

    // a file the entry point newly imports is part of the next build's inputs
    fs.writeFileSync(path.join(project, 'lib', 'cli', 'banner.ts'), "export const BANNER = 'custody, compiled'\n")
    fs.writeFileSync(usageFile, `import { BANNER } from './banner'\n${source.replace('Usage:', '${BANNER}\nUsage:')}`)
    expect(usage().stderr).toContain('custody, compiled\nUsage:')
    fs.writeFileSync(path.join(project, 'lib', 'cli', 'banner.ts'), "export const BANNER = 'custody, recompiled'\n")
    expect(usage().stderr).toContain('custody, recompiled\nUsage:')
    releaseDataDirLock(dataDir)
  })
})
