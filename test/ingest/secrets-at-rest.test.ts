import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import { gatewayLines, keyLines, oktaLines, SECRETS } from '../fixtures/secrets/carriers'

// metrics.md, Secrets: a raw secret never reaches storage. Every source's records carry
// every kind of secret (and so do its rejected lines); after the CLI has ingested them,
// nothing Custody wrote (any table, any file in the data dir, its output) holds one.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-secrets-'))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-secrets-files-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.CLICKHOUSE_URL
delete process.env.DATABASE_URL

const { closeClickHouse, query, sql, unsafeRawSql } = await import('@/lib/clickhouse')
const { closeAppStore, openAppStore } = await import('@/db')
const { releaseDataDirLock } = await import('@/lib/store/lock')
const drizzle = await import('drizzle-orm')

function custody(args: string[]) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 300_000,
  })
  return { code: run.status, output: `${run.stdout}\n${run.stderr}`, stdout: run.stdout }
}

function write(name: string, lines: string[]): string {
  const file = path.join(work, name)
  fs.writeFileSync(file, lines.join('\n') + '\n')
  return file
}

const rawSecrets = Object.entries(SECRETS)
const outputs: string[] = []
const summaries: Record<string, { read: number; accepted: number; rejected: number }> = {}

/** Each raw secret found in `text`, by name. */
function leaks(text: string): string[] {
  return rawSecrets.filter(([, secret]) => text.includes(secret)).map(([name]) => name)
}

beforeAll(async () => {
  // the app store exists, as in any installation, before anything is ingested
  await openAppStore()
  await closeAppStore()
  releaseDataDirLock(dataDir)
  const files = { gateway: write('gateway.ndjson', gatewayLines()), okta: write('okta.ndjson', oktaLines()), keys: write('keys.ndjson', keyLines()) }
  for (const [source, file] of Object.entries(files)) {
    const json = custody(['ingest', '--source', source, file, '--json'])
    outputs.push(json.output)
    summaries[source] = JSON.parse(json.stdout)
    outputs.push(custody(['ingest', '--source', source, file]).output)
  }
})
afterAll(async () => {
  await closeClickHouse()
  await closeAppStore()
})

describe('secrets at rest', () => {
  it('ingests every carrier: the good records are stored, the bad ones rejected', () => {
    expect(summaries.gateway).toMatchObject({ read: 18, accepted: 14, rejected: 4 })
    expect(summaries.okta).toMatchObject({ read: 3, accepted: 2, rejected: 1 })
    expect(summaries.keys).toMatchObject({ read: 5, accepted: 4, rejected: 1 })
  })

  it('prints no raw secret on standard output or standard error', () => {
    expect(outputs.join('\n')).toContain('invalid JSON')
    expect(leaks(outputs.join('\n'))).toEqual([])
  })

  it('stores no raw secret in any ClickHouse table, in any column', async () => {
    const tables = await query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND NOT is_temporary AND engine NOT LIKE '%View'`,
      { tag: 'test' },
    )
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['gateway_requests', 'idp_events', 'ingest_rejects', 'ingest_runs']))
    const stored: string[] = []
    for (const { name } of tables) {
      const rows = await query<{ row: string }>(sql`SELECT formatRowNoNewline('TSVRaw', *) AS row FROM ${unsafeRawSql(`\`${name}\``)}`, { tag: 'test' })
      stored.push(...rows.map((r) => r.row))
    }
    const all = stored.join('\n')
    expect(leaks(all)).toEqual([])
    // what was removed is there as its fingerprint: the scan looked at the stored lines
    for (const secret of [SECRETS.authorizationPat, SECRETS.headerPat, SECRETS.resourceQueryToken, SECRETS.clientSecretCamel, SECRETS.oktaClientSecret, SECRETS.rejectedApiKey]) {
      expect(all).toContain(secretFingerprint(secret))
    }
  })

  it('stores no raw secret in any PostgreSQL (PGlite) table', async () => {
    const db = await openAppStore()
    const { rows: tables } = await db.execute<{ schema: string; name: string }>(
      drizzle.sql`SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
                  WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    )
    expect(tables.length).toBeGreaterThan(5)
    for (const table of tables) {
      const { rows } = await db.execute<{ row: string }>(
        drizzle.sql`SELECT t::text AS row FROM ${drizzle.sql.identifier(table.schema)}.${drizzle.sql.identifier(table.name)} t`,
      )
      expect(leaks(rows.map((r) => r.row).join('\n')), `${table.schema}.${table.name}`).toEqual([])
    }
  })

  it('leaves no raw secret in any file under the data dir', () => {
    const files = fs.readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())
    expect(files.length).toBeGreaterThan(20)
    for (const file of files) {
      const bytes = fs.readFileSync(path.join(file.parentPath, file.name))
      const found = rawSecrets.filter(([, secret]) => bytes.includes(secret)).map(([name]) => name)
      expect(found, path.join(file.parentPath, file.name)).toEqual([])
    }
  })
})
