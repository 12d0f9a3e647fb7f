import fs from 'node:fs'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { loadConfig } from '@/lib/config'
import { command, query, sql, unsafeRawSql } from './index'

export const MIGRATIONS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), 'db', 'clickhouse')

export type Migration = { version: number; name: string; statements: string[]; checksum: string }

/**
 * Migrations are numbered SQL templates. One file serves both layouts:
 * `{table:x}` is `x` on one server and `x_local` on a cluster (where `x` becomes a
 * Distributed table over the local ones), `{on_cluster}` and `{replicated}` expand
 * to nothing or to `ON CLUSTER '<c>'` / the Replicated engine family.
 */
export function renderTemplate(template: string, cluster: string | undefined): string {
  return template
    .replace(/\{table:(\w+)\}/g, (_, t: string) => (cluster ? `${t}_local` : t))
    .replace(/\{on_cluster\}/g, cluster ? `ON CLUSTER '${cluster}'` : '')
    .replace(/\{replicated\}/g, cluster ? 'Replicated' : '')
    .replace(/\{distributed:(\w+):([^}]+)\}/g, (_, t: string, key: string) =>
      cluster
        ? `CREATE TABLE IF NOT EXISTS ${t} ON CLUSTER '${cluster}' AS ${t}_local ` +
          `ENGINE = Distributed('${cluster}', currentDatabase(), '${t}_local', ${key})`
        : '',
    )
}

export function splitStatements(text: string): string[] {
  return text
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0)
}

export function loadMigrations(cluster: string | undefined, dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8')
      return {
        version: Number(file.slice(0, 4)),
        name: file.replace(/\.sql$/, ''),
        statements: splitStatements(renderTemplate(text, cluster)),
        checksum: createHash('sha256').update(text).digest('hex'),
      }
    })
}

const LEDGER = `CREATE TABLE IF NOT EXISTS {table:custody_migrations} {on_cluster}
(version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
ENGINE = {replicated}MergeTree ORDER BY version;
{distributed:custody_migrations:version};`

/** Applies every migration not yet recorded; returns the names it applied. A current ledger costs one SELECT and no DDL. */
export async function migrateClickHouse(): Promise<string[]> {
  const cluster = loadConfig().clickhouse.cluster
  const applied = (await appliedVersions()) ?? (await createLedger(cluster))
  const done: string[] = []
  for (const m of loadMigrations(cluster)) {
    if (applied.has(m.version)) continue
    for (const statement of m.statements) await command(sql`${unsafeRawSql(statement)}`, { tag: `migrate:${m.name}` })
    await command(
      sql`INSERT INTO custody_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`,
      { tag: 'migrate' },
    )
    done.push(m.name)
  }
  return done
}

/** The versions in the ledger; null when there is no ledger yet. */
async function appliedVersions(): Promise<Set<number> | null> {
  try {
    const rows = await query<{ version: number }>(sql`SELECT DISTINCT version FROM custody_migrations`, { tag: 'migrate:ledger' })
    return new Set(rows.map((r) => Number(r.version)))
  } catch (err) {
    const [{ ledgers }] = await query<{ ledgers: string }>(
      sql`SELECT count() AS ledgers FROM system.tables WHERE database = currentDatabase() AND name = 'custody_migrations'`,
      { tag: 'migrate:ledger' },
    )
    if (Number(ledgers) > 0) throw err
    return null
  }
}

async function createLedger(cluster: string | undefined): Promise<Set<number>> {
  for (const statement of splitStatements(renderTemplate(LEDGER, cluster))) {
    await command(sql`${unsafeRawSql(statement)}`, { tag: 'migrate' })
  }
  return new Set()
}
