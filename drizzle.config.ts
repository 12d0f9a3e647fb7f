import path from 'node:path'
import { defineConfig } from 'drizzle-kit'
import { loadConfig } from './lib/config'
import { acquireDataDirLock } from './lib/store/lock'

// The app store: a PostgreSQL server when DATABASE_URL is set, else PGlite in <dataDir>/postgres
// (db/index.ts opens the same place). The app applies db/migrations itself on open.
const config = loadConfig()

// `generate` and `check` only read the schema. Every other command opens the database, and
// PGlite has no lock of its own: two processes on one folder silently lose writes.
const opensDatabase = !['generate', 'check', 'export'].some((command) => process.argv.slice(2).includes(command))
if (!config.databaseUrl && opensDatabase) acquireDataDirLock(config.dataDir)

export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
  strict: true,
  ...(config.databaseUrl
    ? { dbCredentials: { url: config.databaseUrl } }
    : { driver: 'pglite', dbCredentials: { url: path.join(config.dataDir, 'postgres') } }),
})
