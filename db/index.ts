import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { getTableName, sql } from 'drizzle-orm'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { PgTable } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { loadConfig, type CustodyConfig } from '@/lib/config'
import { acquireDataDirLock } from '@/lib/store/lock'
import { traceStatement } from '@/lib/trace'
import { APP_MIGRATIONS_DIR, ledgerIsCurrent } from './ledger'
import { seedFromTemplate } from './template'
import * as schema from './schema'

/** The app-state database. PGlite's drizzle db is cast to the node-postgres type: one type for both backends. */
export type AppStore = NodePgDatabase<typeof schema>

export { APP_MIGRATIONS_DIR } from './ledger'

type OpenStore = { key: string; store: Promise<AppStore>; close: () => Promise<void> }
const state = globalThis as unknown as { __custodyAppStore?: OpenStore }

/**
 * The process-wide app store, migrated: PostgreSQL when DATABASE_URL is set, else PGlite
 * in <dataDir>/postgres under the data-dir lock. Kept on globalThis so Next dev HMR reuses it.
 */
export function openAppStore(config: CustodyConfig = loadConfig()): Promise<AppStore> {
  const key = storeKey(config)
  const open = state.__custodyAppStore
  if (open?.key === key) return open.store
  if (open) throw new Error(`The app store is already open at ${open.key}; close it before opening ${key}`)
  const opening = config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir)
  const store = opening.then((o) => o.store)
  state.__custodyAppStore = { key, store, close: () => opening.then((o) => o.close()) }
  store.catch(() => {
    if (state.__custodyAppStore?.store === store) state.__custodyAppStore = undefined
  })
  return store
}

/** Closes the connection or PGlite. The data-dir lock stays held: it lasts for the life of the process. */
export async function closeAppStore(): Promise<void> {
  const open = state.__custodyAppStore
  state.__custodyAppStore = undefined
  if (open) await open.close().catch(() => undefined)
}

/**
 * PGlite is PostgreSQL in single-user mode, which runs no autovacuum: the row versions an UPDATE replaced stay in
 * the table's files, and every scan reads them. A table that routine work rewrites is therefore vacuumed after the
 * write (on a PostgreSQL server, autovacuum does it). Measured on the customer's path (lib/alerts/state.ts rewrites
 * every open alert at each evaluation, and every ingest call evaluates): 62 calls left 5,051 alerts in 116 MB of
 * heap, 1.7 MB once vacuumed, and reading the open alerts took 290 ms instead of ~100 ms.
 */
export async function vacuumIfEmbedded(db: AppStore, tables: PgTable[]): Promise<void> {
  if (!((db as unknown as { $client?: unknown }).$client instanceof PGlite)) return
  for (const table of tables) await db.execute(sql`VACUUM ${sql.identifier(getTableName(table))}`)
}

type Opened = { store: AppStore; close: () => Promise<void> }

function openPglite(dataDir: string): Promise<Opened> {
  acquireDataDirLock(dataDir)
  return bootPglite(dataDir)
}

/**
 * PGlite's buffer pool. PostgreSQL's default (128 MB) is allocated in PGlite's wasm memory and touched as it boots:
 * opening the customer benchmark's app store cost 355–373 MB of RSS with it and 174–194 MB with 16 MB, and booted in
 * 290–300 ms instead of 385–465 ms, its queries as fast. The app store's tables are a few MB (users, thresholds,
 * alerts, the audit trail), and a page not in the pool is one read of the OS's cache.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB']

/**
 * PGlite in <dataDir>/postgres, migrated, without taking the data-dir lock: only for a caller whose
 * process already holds it (openAppStore, or a worker thread of the process that took it). A new
 * store starts as a copy of the migrated template (template.ts).
 */
export async function bootPglite(dataDir: string): Promise<Opened> {
  const storeDir = path.join(dataDir, 'postgres')
  await seedFromTemplate(storeDir, PGLITE_START_PARAMS, APP_MIGRATIONS_DIR, (dir) => migratedPglite(dir).then((o) => o.close()))
  return migratedPglite(storeDir)
}

async function migratedPglite(storeDir: string): Promise<Opened> {
  const client = await PGlite.create(storeDir, { startParams: PGLITE_START_PARAMS })
  try {
    const db = drizzlePglite({ client, schema })
    if (!(await ledgerIsCurrent((text) => client.query(text), APP_MIGRATIONS_DIR))) {
      traceStatement('app-store', 'migrate', APP_MIGRATIONS_DIR)
      await migratePglite(db, { migrationsFolder: APP_MIGRATIONS_DIR })
    }
    return { store: db as unknown as AppStore, close: () => client.close() }
  } catch (err) {
    await client.close()
    throw err
  }
}

// Any 64-bit constant: serializes migrations when several processes open one server at once.
const MIGRATION_LOCK = 7_104_115_116_111_100

async function openPostgres(url: string): Promise<Opened> {
  // loaded only on this path: pg's modules cost an embedded start ~0.1 s of CPU
  const [{ default: pg }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ])
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => console.error(`custody: PostgreSQL connection lost: ${err.message}`))
  try {
    const db = drizzlePostgres({ client: pool, schema })
    if (await ledgerIsCurrent((text) => pool.query(text), APP_MIGRATIONS_DIR)) return { store: db, close: () => pool.end() }
    traceStatement('app-store', 'migrate', APP_MIGRATIONS_DIR)
    const lock = await pool.connect()
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
      await migratePostgres(db, { migrationsFolder: APP_MIGRATIONS_DIR })
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
      lock.release()
    }
    return { store: db, close: () => pool.end() }
  } catch (err) {
    await pool.end()
    throw err
  }
}

function storeKey(config: CustodyConfig): string {
  if (!config.databaseUrl) return path.join(config.dataDir, 'postgres')
  const url = new URL(config.databaseUrl)
  if (url.password) url.password = '***'
  return url.toString()
}
