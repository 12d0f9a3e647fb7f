import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { closeClickHouse, query, sql } from '@/lib/clickhouse'
import { users } from '@/db/schema'
import { signInWithPassword } from '@/lib/auth/password-sign-in'
import { loadConfig } from '@/lib/config'
import { releaseDataDirLock } from '@/lib/store/lock'
import { acceptInvite } from '@/lib/users/manage'

// The first admin of a real installation, and the demo that must not touch one.
const dirs: string[] = []
const newDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-users-cli-'))
  dirs.push(dir)
  return dir
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

function custody(dataDir: string, args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '', NEXTAUTH_URL: 'https://custody.example.test' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/**
 * What the CLI left on disk: the tables' partitions in more than one part, and the part directories beside the
 * active parts (counted before this process opens the engine, whose cleanup would delete replaced ones).
 */
async function partsLeft(dataDir: string): Promise<{ partitionsOfSeveralParts: string[]; partDirectories: number; activeParts: number }> {
  const store = path.join(dataDir, 'clickhouse', 'store')
  const tableDirs = fs.readdirSync(store).flatMap((prefix) => fs.readdirSync(path.join(store, prefix)).map((table) => path.join(store, prefix, table)))
  const partDirectories = tableDirs.flatMap((table) => fs.readdirSync(table, { withFileTypes: true })).filter((e) => e.isDirectory() && /^[^_]+(_\d+){3,4}$/.test(e.name)).length
  process.env.CUSTODY_DATA_DIR = dataDir
  delete process.env.CLICKHOUSE_URL
  try {
    const several = await query<{ part: string }>(
      sql`SELECT concat(table, ' ', partition) AS part FROM system.parts WHERE active AND database = currentDatabase()
        GROUP BY table, partition HAVING count() > 1 ORDER BY part`,
      { tag: 'test:parts' },
    )
    const [{ parts }] = await query<{ parts: number }>(sql`SELECT toUInt32(count()) AS parts FROM system.parts WHERE active`, { tag: 'test:parts' })
    return { partitionsOfSeveralParts: several.map((r) => r.part), partDirectories, activeParts: parts }
  } finally {
    await closeClickHouse()
    releaseDataDirLock(path.resolve(dataDir))
  }
}

/** Opens the data dir in this process, runs `use`, and lets the CLI have it back. */
async function inStore<T>(dataDir: string, use: (db: Awaited<ReturnType<typeof openAppStore>>) => Promise<T>): Promise<T> {
  process.env.CUSTODY_DATA_DIR = dataDir
  delete process.env.DATABASE_URL
  try {
    return await use(await openAppStore(loadConfig()))
  } finally {
    await closeAppStore()
    releaseDataDirLock(path.resolve(dataDir))
  }
}

describe('custody users add', () => {
  it('gives a real installation its first admin through a one-time link, with no password anyone else knows', async () => {
    const dataDir = newDataDir()
    const added = custody(dataDir, ['users', 'add', '--role', 'admin', 'Ada@Example.test'])
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    const link = /^https:\/\/custody\.example\.test\/signin\?invite=([\w-]{40,})$/m.exec(added.stdout)
    expect(added.stdout).toContain('Added ada@example.test (admin)')
    expect(link).not.toBeNull()

    expect(custody(dataDir, ['users', 'add', '--role', 'admin', 'ada@example.test'])).toMatchObject({ code: 1, stderr: 'custody: ada@example.test is already a user.\n' })
    expect(custody(dataDir, ['users', 'add', '--role', 'root', 'bo@example.test'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--role must be one of auditor, compliance, security, admin') })
    expect(custody(dataDir, ['users', 'add', '--role', 'admin'])).toMatchObject({ code: 2, stderr: expect.stringContaining('exactly one e-mail address') })

    // The demo refuses this data dir: it would add admin@custody.local with a published password.
    const demo = custody(dataDir, ['demo', '--scale', '0.01'])
    expect(demo.code).toBe(2)
    expect(demo.stderr).toContain('demo refused')
    expect(demo.stderr).toContain('users ada@example.test')

    await inStore(dataDir, async (db) => {
      expect(await db.select({ email: users.email, role: users.role, passwordHash: users.passwordHash }).from(users)).toEqual([
        { email: 'ada@example.test', role: 'admin', passwordHash: null },
      ])
      await acceptInvite({ token: link![1], password: 'ada chose this herself' }, { ip: null, userAgent: 'vitest' })
      const signIn = await signInWithPassword(db, { email: 'ada@example.test', password: 'ada chose this herself' }, { ip: '192.0.2.1', userAgent: 'vitest' })
      expect(signIn).toMatchObject({ outcome: 'signed_in', user: { email: 'ada@example.test' } })
      const [ada] = await db.select({ role: users.role }).from(users).where(eq(users.email, 'ada@example.test'))
      expect(ada.role).toBe('admin')
    })
  })
})

describe('custody demo', () => {
  it('runs again on a data dir only the demo wrote (leaving every partition merged into one part, and no replaced part on disk), and refuses one that holds evidence ingested from elsewhere', async () => {
    const dataDir = newDataDir()
    expect(custody(dataDir, ['demo', '--scale', '0.01']).code).toBe(0)
    const again = custody(dataDir, ['demo', '--scale', '0.01'])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('admin@custody.local (admin)')

    const left = await partsLeft(dataDir)
    expect(left.partitionsOfSeveralParts).toEqual([])
    expect(left.partDirectories).toBe(left.activeParts) // the parts the merges replaced are gone

    const real = path.join(newDataDir(), 'gateway.ndjson')
    fs.writeFileSync(real, JSON.stringify({ time: '2026-10-03T14:22:01.000Z', 'mcp.method.name': 'tools/call', event_id: 'real-1' }) + '\n')
    expect(custody(dataDir, ['ingest', '--source', 'gateway', real]).code).toBe(0)
    const refused = custody(dataDir, ['demo', '--scale', '0.01'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain(`evidence ingested from ${real}`)
  })
})
