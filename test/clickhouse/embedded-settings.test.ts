import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-engine-settings-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.CLICKHOUSE_URL
delete process.env.JE_MALLOC_CONF // what this process's engine starts with is the code's choice alone

const { closeClickHouse, command, query, sql } = await import('@/lib/clickhouse')
const { EMBEDDED_MERGE_TREE_SETTINGS, EMBEDDED_SERVER_SETTINGS } = await import('@/lib/clickhouse/client')
const { boundedMemory } = await import('@/lib/attribution/maintain/actions')
const { releaseDataDirLock } = await import('@/lib/store/lock')

afterAll(async () => {
  await closeClickHouse()
  releaseDataDirLock(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const serverSettings = () =>
  query<{ name: string; value: string }>(sql`SELECT name, value FROM system.server_settings WHERE has(${Object.keys(EMBEDDED_SERVER_SETTINGS)}, name)`, {
    tag: 'test',
  })

describe("the embedded engine's memory settings", () => {
  it('reach chDB: the engine reports each server setting as configured, not its default', async () => {
    const configured = Object.fromEntries(Object.entries(EMBEDDED_SERVER_SETTINGS).map(([name, value]) => [name, String(value)]))
    const reported = Object.fromEntries((await serverSettings()).map((s) => [s.name, s.value]))
    expect(reported).toEqual(configured)
    expect(Number(reported.mark_cache_size)).toBeLessThan(5 * 2 ** 30) // ClickHouse's default: 5 GiB
  })

  it('hold again after the engine is closed and reopened in the same process', async () => {
    await closeClickHouse() // shuts the engine down: a new one starts from its arguments again
    const reported = Object.fromEntries((await serverSettings()).map((s) => [s.name, s.value]))
    expect(Number(reported.merges_mutations_memory_usage_soft_limit)).toBe(EMBEDDED_SERVER_SETTINGS.merges_mutations_memory_usage_soft_limit)
  })

  it("closing lets another data dir open: the engine's own connection goes with the client", async () => {
    await closeClickHouse()
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-engine-settings-other-'))
    const { clickhouseClient } = await import('@/lib/clickhouse/client')
    const { loadConfig } = await import('@/lib/config')
    try {
      const client = clickhouseClient({ ...loadConfig(), dataDir: other })
      const rows = await (await client.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json<{ one: number }>()
      expect(rows).toEqual([{ one: 1 }])
    } finally {
      await closeClickHouse()
      releaseDataDirLock(other)
      fs.rmSync(other, { recursive: true, force: true })
    }
  })

  it("the upkeep's per-query limits (one thread here) are settings a ClickHouse server knows (it refuses unknown ones)", async () => {
    const bounded = boundedMemory()
    expect(bounded.max_threads).toBe(1)
    const names = Object.keys(bounded)
    const known = await query<{ name: string }>(sql`SELECT name FROM system.settings WHERE has(${names}, name)`, { tag: 'test' })
    expect(known.map((k) => k.name).sort()).toEqual([...names].sort())
  })
})

/** The decay time chDB's allocator (jemalloc) runs with, as it reports it. */
const dirtyDecayMs = (stats: string) => Number(/opt\.dirty_decay_ms: (\d+)/.exec(stats)?.[1])

describe("the embedded engine's allocator", () => {
  it('returns the pages a query freed after a second, not its built-in 5 s (lib/clickhouse/allocator.mjs)', async () => {
    const [{ stats }] = await query<{ stats: string }>(sql`SELECT stats FROM system.jemalloc_stats`, { tag: 'test' })
    expect(stats).toContain('dirty_decay_ms:5000') // the built-in setting this overrides
    expect(dirtyDecayMs(stats)).toBe(1000)
  })

  it('keeps what the operator set in JE_MALLOC_CONF', () => {
    const script = `await import('./lib/clickhouse/allocator.mjs'); const { query } = (await import('chdb')).default;
      process.stdout.write(query('SELECT stats FROM system.jemalloc_stats', 'TSVRaw'))`
    const stats = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, JE_MALLOC_CONF: 'dirty_decay_ms:3000' }, encoding: 'utf8' })
    expect(dirtyDecayMs(stats)).toBe(3000)
  })
})

describe("the embedded engine's MergeTree settings", () => {
  it('reach chDB from the config file it starts with', async () => {
    const names = Object.keys(EMBEDDED_MERGE_TREE_SETTINGS)
    const reported = await query<{ name: string; value: string }>(sql`SELECT name, value FROM system.merge_tree_settings WHERE has(${names}, name)`, { tag: 'test' })
    expect(Object.fromEntries(reported.map((s) => [s.name, Number(s.value)]))).toEqual(EMBEDDED_MERGE_TREE_SETTINGS)
  })

  it('delete the parts a merge replaced within seconds, not the 30–40 s a CLI process never lives', async () => {
    await command(sql`CREATE TABLE merged_parts (n UInt32) ENGINE = MergeTree ORDER BY n`, { tag: 'test' })
    for (const n of [1, 2, 3]) await command(sql`INSERT INTO merged_parts VALUES (${n})`, { tag: 'test' })
    await command(sql`OPTIMIZE TABLE merged_parts FINAL`, { tag: 'test' })
    const parts = () =>
      query<{ active: number; parts: number }>(sql`SELECT active, toUInt32(count()) AS parts FROM system.parts WHERE table = 'merged_parts' GROUP BY active ORDER BY active`, { tag: 'test' })
    expect(await parts()).toEqual([{ active: 0, parts: 3 }, { active: 1, parts: 1 }])
    const until = Date.now() + 10_000
    while ((await parts()).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 200))
    expect(await parts()).toEqual([{ active: 1, parts: 1 }])
  })
})
