import fs from 'node:fs'
import path from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import './allocator.mjs' // before chdb, which reads it while loading
import { drainPending, Session } from 'chdb'
import { createChdbConnection } from 'chdb/connection'
import { loadConfig, type CustodyConfig } from '@/lib/config'
import { acquireDataDirLock } from '@/lib/store/lock'

// chdb types against its own copy of @clickhouse/client-common; the runtime shapes match.
type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>

type Open = { client: ClickHouseClient; key: string; engine?: Session }

const state = globalThis as unknown as { __custodyClickHouse?: Open }

/**
 * The embedded engine's server-level settings. ClickHouse's defaults size a server that owns the machine
 * (5 GiB mark and primary-index caches, merges bounded only by RAM); a CLI run or the dashboard shares it,
 * and issue 11 bounds an ingest to 512 MB. Caches: a report at 10M actions reads ~1,300 granules per table,
 * so a few MiB of marks hold them all. Merges: one at a time past 256 MiB of merge memory, so a big merge
 * does not start beside another (it waits; parts stay readable). A ClickHouse server (CLICKHOUSE_URL) keeps
 * its operator's configuration.
 */
export const EMBEDDED_SERVER_SETTINGS = {
  mark_cache_size: 64 << 20,
  index_mark_cache_size: 16 << 20,
  primary_index_cache_size: 32 << 20,
  query_condition_cache_size: 16 << 20,
  compiled_expression_cache_size: 16 << 20,
  merges_mutations_memory_usage_soft_limit: 256 << 20,
  background_merges_mutations_concurrency_ratio: 1,
}

/**
 * The embedded engine's MergeTree settings (a config file's `merge_tree` section: chDB takes no other way). The parts a
 * merge replaces are deleted by a cleanup that ClickHouse first runs 30–40 s after start; a CLI process exits long before,
 * so they stayed on disk and every later start loaded them again (on the demo's data dir, 465 replaced parts beside 224
 * active ones cost each process ~0.3–0.5 s of CPU to open and close). A cleanup every second deletes them in any process
 * that lives a second or two, such as an ingest or an export.
 */
export const EMBEDDED_MERGE_TREE_SETTINGS = {
  cleanup_delay_period: 1,
  max_cleanup_delay_period: 1,
  cleanup_delay_period_random_add: 0,
}

/** The process-wide client: chDB in $CUSTODY_DATA_DIR/clickhouse, or a server when CLICKHOUSE_URL is set. */
export function clickhouseClient(config: CustodyConfig = loadConfig()): ClickHouseClient {
  const key = config.clickhouse.url ?? path.join(config.dataDir, 'clickhouse')
  if (state.__custodyClickHouse?.key === key) return state.__custodyClickHouse.client
  if (state.__custodyClickHouse) {
    throw new Error(`ClickHouse is already open at ${state.__custodyClickHouse.key}; close it before opening ${key}`)
  }
  state.__custodyClickHouse = config.clickhouse.url ? { client: serverClient(config), key } : { ...openEmbedded(config), key }
  return state.__custodyClickHouse.client
}

/** Closes the client; embedded, resolves once the engine has shut down (after the queries still running end). */
export async function closeClickHouse(): Promise<void> {
  const open = state.__custodyClickHouse
  state.__custodyClickHouse = undefined
  if (!open) return
  await open.client.close()
  if (!open.engine) return
  open.engine.close() // the last connection to the data dir: the engine shuts down
  await drainPending() // a connection a query was still running on is closed only once it ends
}

export function isEmbedded(config: CustodyConfig = loadConfig()): boolean {
  return !config.clickhouse.url
}

function serverClient(config: CustodyConfig): ClickHouseClient {
  const ch = config.clickhouse
  return createClient({
    url: ch.url,
    username: ch.user,
    password: ch.password,
    database: ch.database,
    request_timeout: config.queryTimeoutSeconds * 1000 + 5000,
    clickhouse_settings: { date_time_output_format: 'iso' },
  })
}

/**
 * Server-level settings are the engine's start arguments, and chdb's connection factory takes none: the first
 * connection to the data dir (kept open beside the client's) starts the engine with them, and the client's
 * connection to the same path shares that engine.
 */
function openEmbedded(config: CustodyConfig): { client: ClickHouseClient; engine: Session } {
  acquireDataDirLock(config.dataDir)
  const dir = path.join(config.dataDir, 'clickhouse')
  const args = [`--config-file=${embeddedConfigFile(config.dataDir)}`, ...Object.entries(EMBEDDED_SERVER_SETTINGS).map(([name, value]) => `--${name}=${value}`)]
  const engine = new Session(dir, { connectionArgs: args })
  try {
    const connection = createChdbConnection({ path: dir }) as unknown as Connection
    return { client: createClient({ connection, clickhouse_settings: { date_time_output_format: 'iso' } }), engine }
  } catch (err) {
    engine.close()
    throw err
  }
}

/** The engine's config file in the data dir, written when its content is not already there. */
function embeddedConfigFile(dataDir: string): string {
  const file = path.join(dataDir, 'clickhouse-embedded.xml')
  const settings = Object.entries(EMBEDDED_MERGE_TREE_SETTINGS).map(([name, value]) => `<${name}>${value}</${name}>`).join('')
  const xml = `<clickhouse><merge_tree>${settings}</merge_tree></clickhouse>\n`
  if (readIfExists(file) !== xml) {
    fs.writeFileSync(`${file}.tmp`, xml)
    fs.renameSync(`${file}.tmp`, file)
  }
  return file
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
}
