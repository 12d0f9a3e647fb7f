import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig, type CustodyConfig } from '@/lib/config'
import { releaseDataDirLock } from '@/lib/store/lock'

export type Backend = {
  name: 'PGlite' | 'PostgreSQL'
  config: () => CustodyConfig
  /** Before the suite: an empty store. */
  reset: () => Promise<void>
  /** After the suite, once the store is closed. */
  dispose: () => void
}

/** PGlite in a fresh temp dir per suite. */
export function pgliteBackend(): Backend {
  let dataDir = ''
  return {
    name: 'PGlite',
    config: () => loadConfig(env({ CUSTODY_DATA_DIR: dataDir })),
    reset: async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-app-store-'))
    },
    dispose: () => {
      releaseDataDirLock(dataDir)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The server at TEST_DATABASE_URL, emptied before the suite so runs repeat. */
export function postgresBackend(url: string): Backend {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-app-store-pg-'))
  return {
    name: 'PostgreSQL',
    config: () => loadConfig(env({ CUSTODY_DATA_DIR: dataDir, DATABASE_URL: url })),
    reset: () => dropAppSchemas(url),
    dispose: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  }
}

async function dropAppSchemas(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('DROP SCHEMA IF EXISTS drizzle CASCADE')
    await client.query('DROP SCHEMA IF EXISTS public CASCADE')
    await client.query('CREATE SCHEMA public')
  } finally {
    await client.end()
  }
}

/** The PostgreSQL error code behind a drizzle error (drizzle wraps the driver's error in `cause`). */
export async function pgErrorCode(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt
  } catch (err) {
    for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
      const code = (e as { code?: unknown }).code
      if (typeof code === 'string') return code
    }
    throw err
  }
  throw new Error('expected the database to refuse this statement, but it succeeded')
}

/** Only the variables given: the suite must not pick up the developer's DATABASE_URL. */
function env(vars: Record<string, string>): NodeJS.ProcessEnv {
  return vars as NodeJS.ProcessEnv
}
