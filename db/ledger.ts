import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { traceStatement } from '@/lib/trace'

export const APP_MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'migrations')

const journalSchema = z.object({ entries: z.array(z.object({ tag: z.string(), when: z.number() })) })
const LEDGER_QUERY = 'SELECT max(created_at)::text AS newest FROM drizzle.__drizzle_migrations'

/**
 * Whether the app store already holds every migration in the folder, in one query and no DDL.
 * drizzle's migrator applies the journal entries whose `when` is after the ledger's newest
 * `created_at`, so the store is current when that newest value reaches the journal's last entry.
 * No ledger yet (a fresh store) is "not current".
 */
export async function ledgerIsCurrent(run: (text: string) => Promise<{ rows: unknown[] }>, migrationsDir: string): Promise<boolean> {
  const last = newestMigration(migrationsDir)
  traceStatement('app-store', 'migrate:ledger', LEDGER_QUERY)
  let rows: unknown[]
  try {
    rows = (await run(LEDGER_QUERY)).rows
  } catch {
    return false // no drizzle schema yet
  }
  const newest = z.object({ newest: z.string().nullable() }).parse(rows[0]).newest
  return newest !== null && Number(newest) >= last
}

/** The `when` of the journal's last migration: what a current ledger's newest `created_at` reaches. */
export function newestMigration(migrationsDir: string): number {
  const journal = journalSchema.parse(JSON.parse(fs.readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')))
  return Math.max(0, ...journal.entries.map((e) => e.when))
}
