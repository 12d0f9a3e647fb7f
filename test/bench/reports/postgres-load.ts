import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import { EXPORTED_COLUMNS } from './results'

/**
 * The PostgreSQL half's store: the benchmark's own schema in the app-state server
 * (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server test/ci/postgres.sh
 * brings up), dropped afterwards. Tables hold the columns chDB exported, every text
 * COLLATE "C" (byte order, as ClickHouse compares), with the indexes a PostgreSQL user
 * would add for these reports.
 */
export type PgStore = { client: pg.Client; url: string; schema: string }

const TEXT = 'text COLLATE "C" NOT NULL'
const TIME = 'timestamptz'
const GATEWAY_TYPES: Record<string, string> = { time: `${TIME} NOT NULL`, is_action: 'smallint NOT NULL', http_status: 'integer', duration_ms: 'float8', token_iat: TIME, token_exp: TIME, ingested_at: `${TIME} NOT NULL` }
const IDP_TYPES: Record<string, string> = { fact_index: 'smallint NOT NULL', time: `${TIME} NOT NULL`, issued_at: TIME, expires_at: TIME, ingested_at: `${TIME} NOT NULL` }

const INDEXES = [
  'CREATE INDEX ON gateway_requests (time)',
  'CREATE INDEX ON gateway_requests (event_id)',
  'CREATE INDEX ON gateway_requests (session_id, time)',
  'CREATE INDEX ON gateway_requests (credential_id)',
  'CREATE INDEX ON idp_events (event_id, fact_index)',
  'CREATE INDEX ON idp_events (credential_id)',
  'CREATE INDEX ON idp_events (source, subject_id)',
]

export async function databaseUrl(): Promise<string> {
  const given = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL
  if (given) return given
  const { stdout } = await promisify(execFile)('bash', ['test/ci/postgres.sh'])
  const url = /TEST_DATABASE_URL=(\S+)/.exec(stdout)?.[1]
  if (!url) throw new Error(`test/ci/postgres.sh printed no URL: ${stdout}`)
  return url
}

/** Connects with the session settings every report runs under. */
export async function openPgStore(url: string, schema: string): Promise<PgStore> {
  const client = new pg.Client({ connectionString: url })
  // a server that goes away fails the running query; without a listener it would also kill the process
  client.on('error', (error) => process.stderr.write(`postgres: connection lost: ${error.message}\n`))
  await client.connect()
  await client.query(`SET TimeZone = 'UTC'`)
  await client.query(`SET work_mem = '256MB'`)
  await client.query(`SET search_path = ${schema}`)
  return { client, url, schema }
}

export async function createTables(store: PgStore): Promise<void> {
  await store.client.query(`DROP SCHEMA IF EXISTS ${store.schema} CASCADE`)
  await store.client.query(`CREATE SCHEMA ${store.schema}`)
  await store.client.query(tableDdl('gateway_requests', GATEWAY_TYPES))
  await store.client.query(tableDdl('idp_events', IDP_TYPES))
}

function tableDdl(table: keyof typeof EXPORTED_COLUMNS, types: Record<string, string>): string {
  const columns = EXPORTED_COLUMNS[table].map((c) => `${c} ${types[c] ?? TEXT}`)
  return `CREATE UNLOGGED TABLE ${table} (${columns.join(', ')})`
}

/** COPY through psql (\copy streams the client's file), then indexes and statistics. */
export async function loadTable(store: PgStore, table: keyof typeof EXPORTED_COLUMNS, csvFile: string): Promise<void> {
  const copy = `\\copy ${table} (${EXPORTED_COLUMNS[table].join(', ')}) FROM '${csvFile}' WITH (FORMAT csv, HEADER true, NULL '\\N')`
  await psql(store, copy)
}

export async function indexTables(store: PgStore): Promise<void> {
  for (const statement of INDEXES) await store.client.query(statement)
  await store.client.query('VACUUM ANALYZE gateway_requests')
  await store.client.query('VACUUM ANALYZE idp_events')
}

/** Drops the schema on a connection of its own (the benchmark's may be gone with a restarted server). */
export async function dropPgStore(store: PgStore): Promise<void> {
  await store.client.end().catch(() => undefined)
  const client = new pg.Client({ connectionString: store.url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${store.schema} CASCADE`)
  } finally {
    await client.end()
  }
}

function psql(store: PgStore, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [store.url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], {
      env: { ...process.env, PGTZ: 'UTC', PGOPTIONS: `-c search_path=${store.schema}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql ${command.slice(0, 60)}…: ${stderr}`))))
  })
}
