import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

process.env.CUSTODY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-migrate-'))
delete process.env.CLICKHOUSE_URL
delete process.env.CUSTODY_CLICKHOUSE_CLUSTER

const { closeClickHouse, query, sql, unsafeRawSql } = await import('@/lib/clickhouse')
const { loadMigrations, migrateClickHouse } = await import('@/lib/clickhouse/migrate')

afterAll(async () => {
  await closeClickHouse()
})

describe('ClickHouse migrations', () => {
  it('applies every numbered migration once and records it', async () => {
    const first = await migrateClickHouse()
    expect(first).toEqual(loadMigrations(undefined).map((m) => m.name))
    expect(await migrateClickHouse()).toEqual([])
    const tables = await query<{ name: string }>(sql`SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name`, { tag: 'test' })
    expect(tables.map((t) => t.name)).toEqual([
      'attributed_actions', 'attributed_hours', 'attribution_claims', 'attribution_credential_subjects', 'attribution_credentials', 'attribution_dirty',
      'attribution_identities', 'attribution_state', 'attribution_subjects', 'attribution_touched', 'attribution_triggers',
      'custody_migrations', 'gateway_requests', 'idp_events', 'ingest_rejects', 'ingest_runs', 'ingest_staging', 'ingest_staging_gateway',
      'ingest_staging_okta', 'request_hours',
    ])
    const recorded = await query<{ n: string }>(sql`SELECT count() AS n FROM custody_migrations`, { tag: 'test' })
    expect(Number(recorded[0].n)).toBe(first.length)
  })

  it('renders a cluster variant that the engine parses: ON CLUSTER, Replicated engines, Distributed tables', async () => {
    const statements = loadMigrations('custody_cluster').flatMap((m) => m.statements)
    const creates = statements.filter((s) => s.startsWith('CREATE TABLE'))
    expect(creates.every((s) => s.includes("ON CLUSTER 'custody_cluster'"))).toBe(true)
    expect(creates.filter((s) => /ENGINE = Replicated\w*MergeTree/.test(s)).length).toBeGreaterThanOrEqual(4)
    expect(creates.filter((s) => s.includes('ENGINE = Distributed(')).length).toBeGreaterThanOrEqual(4)
    for (const statement of statements) {
      const ast = await query<Record<string, string>>(sql`EXPLAIN AST ${unsafeRawSql(statement)}`, { tag: 'test' })
      expect(ast.length, statement).toBeGreaterThan(0)
    }
  })

  it('renders the single-server variant without cluster clauses', () => {
    const statements = loadMigrations(undefined).flatMap((m) => m.statements)
    expect(statements.some((s) => /ON CLUSTER|Replicated|Distributed/.test(s))).toBe(false)
  })
})
