import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { APP_MIGRATIONS_DIR, closeAppStore, openAppStore } from '@/db'
import { thresholds } from '@/db/schema'
import { seedFromTemplate } from '@/db/template'
import { pgliteBackend } from './backends'

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-app-store-template-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

const journal = JSON.parse(fs.readFileSync(path.join(APP_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }

describe('a new embedded app store', () => {
  const [first, second] = [pgliteBackend(), pgliteBackend()]
  afterAll(async () => {
    await closeAppStore()
    first.dispose()
    second.dispose()
  })

  it('is a copy of the migrated template: every migration applied, and nothing another store wrote', async () => {
    await first.reset()
    const db = await openAppStore(first.config())
    await db.insert(thresholds).values({ key: 'revocation_sla_seconds', value: 1800, updatedBy: 'security@custody.local' })
    await closeAppStore()

    await second.reset()
    const copy = await openAppStore(second.config())
    const applied = await copy.execute(sql`SELECT hash FROM drizzle.__drizzle_migrations`)
    expect(applied.rows).toHaveLength(journal.entries.length)
    expect(await copy.select().from(thresholds)).toEqual([])
    await copy.insert(thresholds).values({ key: 'token_max_age_days', value: 30, updatedBy: 'security@custody.local' })
    expect((await copy.select({ key: thresholds.key }).from(thresholds)).map((t) => t.key)).toEqual(['token_max_age_days'])
  })
})

describe('the template', () => {
  const storeDir = (name: string) => path.join(scratch, 'seeded', name, 'postgres')
  /** a stand-in for PGlite: the "store" it builds is one file */
  const build = vi.fn(async (dir: string) => {
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n')
  })

  it('is built once, then each new store is a copy of it', async () => {
    const cache = path.join(scratch, 'cache-once')
    await seedFromTemplate(storeDir('a'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, build, cache)
    await seedFromTemplate(storeDir('b'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, build, cache)
    expect(build).toHaveBeenCalledTimes(1)
    expect(fs.readFileSync(path.join(storeDir('b'), 'PG_VERSION'), 'utf8')).toBe('17\n')
    fs.writeFileSync(path.join(storeDir('a'), 'PG_VERSION'), 'changed')
    await seedFromTemplate(storeDir('c'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, build, cache)
    expect(fs.readFileSync(path.join(storeDir('c'), 'PG_VERSION'), 'utf8')).toBe('17\n')
    expect(fs.readdirSync(path.join(scratch, 'seeded', 'c'))).toEqual(['postgres'])
  })

  it('leaves an existing store alone', async () => {
    const cache = path.join(scratch, 'cache-existing')
    fs.mkdirSync(storeDir('existing'), { recursive: true })
    await seedFromTemplate(storeDir('existing'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, build, cache)
    expect(fs.readdirSync(storeDir('existing'))).toEqual([])
    expect(fs.existsSync(cache)).toBe(false)
  })

  it('is replaced when what shapes it changes (here, a start parameter)', async () => {
    const cache = path.join(scratch, 'cache-replaced')
    await seedFromTemplate(storeDir('old'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, build, cache)
    const [oldKey] = fs.readdirSync(cache)
    await seedFromTemplate(storeDir('new'), ['-c', 'x=2'], APP_MIGRATIONS_DIR, build, cache)
    const keys = fs.readdirSync(cache)
    expect(keys).toHaveLength(1)
    expect(keys[0]).not.toBe(oldKey)
  })

  it('leaves nothing behind when its copy fails part way', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    // a FIFO is a file cpSync refuses, after the files before it were copied
    const uncopyable = async (dir: string) => {
      await build(dir)
      execFileSync('mkfifo', [path.join(dir, 'zz-fifo')])
    }
    await seedFromTemplate(storeDir('cut'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, uncopyable, path.join(scratch, 'cache-cut'))
    expect(fs.readdirSync(path.join(scratch, 'seeded', 'cut'))).toEqual([])
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/^custody: the app store is initialized in place \(its template: .*fifo/i))
    stderr.mockRestore()
  })

  it('when it cannot be built, says so and leaves the store to be initialized in place', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const failing = async () => {
      throw new Error('disk full')
    }
    await seedFromTemplate(storeDir('failed'), ['-c', 'x=1'], APP_MIGRATIONS_DIR, failing, path.join(scratch, 'cache-failed'))
    expect(fs.existsSync(storeDir('failed'))).toBe(false)
    expect(stderr).toHaveBeenCalledWith('custody: the app store is initialized in place (its template: disk full)\n')
    stderr.mockRestore()
  })
})
