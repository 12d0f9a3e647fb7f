import path from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { loadConfig, type CustodyConfig } from '@/lib/config'
import { acquireDataDirLock } from '@/lib/store/lock'

// chdb types against its own copy of @clickhouse/client-common; the runtime shapes match.
type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>

const state = globalThis as unknown as { __custodyClickHouse?: { client: ClickHouseClient; key: string } }

/** The process-wide client: chDB in $CUSTODY_DATA_DIR/clickhouse, or a server when CLICKHOUSE_URL is set. */
export function clickhouseClient(config: CustodyConfig = loadConfig()): ClickHouseClient {
  const key = config.clickhouse.url ?? path.join(config.dataDir, 'clickhouse')
  if (state.__custodyClickHouse?.key === key) return state.__custodyClickHouse.client
  if (state.__custodyClickHouse) {
    throw new Error(`ClickHouse is already open at ${state.__custodyClickHouse.key}; close it before opening ${key}`)
  }
  const client = config.clickhouse.url ? serverClient(config) : embeddedClient(config)
  state.__custodyClickHouse = { client, key }
  return client
}

export async function closeClickHouse(): Promise<void> {
  const open = state.__custodyClickHouse
  state.__custodyClickHouse = undefined
  if (open) await open.client.close()
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

function embeddedClient(config: CustodyConfig): ClickHouseClient {
  acquireDataDirLock(config.dataDir)
  const dir = path.join(config.dataDir, 'clickhouse')
  const connection = createChdbConnection({ path: dir }) as unknown as Connection
  return createClient({ connection, clickhouse_settings: { date_time_output_format: 'iso' } })
}
