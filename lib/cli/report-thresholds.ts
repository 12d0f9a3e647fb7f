import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { z } from 'zod'
import { APP_MIGRATIONS_DIR, newestMigration } from '@/db/ledger'
import { loadConfig, type CustodyConfig } from '@/lib/config'
import type { PackAppState, PackAppStore, PackStateRequest } from '@/lib/evidence/app-state'
import type { Thresholds } from '@/lib/reports/thresholds'
import { acquireDataDirLock } from '@/lib/store/lock'
import { pgliteFingerprint } from '@/lib/store/pglite-fingerprint'
import { storedThresholds } from '@/lib/thresholds/in-force'
import { thresholdsFromStore, type StoredThresholds } from '@/lib/thresholds/settings'
import { traceStatement } from '@/lib/trace'

// beside the compiled report chunk in the CLI's bundle; absent when the sources run uncompiled (tests, tsx)
const WORKER = fileURLToPath(new URL('./thresholds-worker.js', import.meta.url))
const CACHE_FILE = 'report-thresholds.json'

const cacheSchema = z.object({
  key: z.string(),
  stored: z.object({ stored: z.record(z.string(), z.unknown()), version: z.number().int().nonnegative() }),
})

/**
 * The thresholds in force for `custody report` on the embedded app store, started now: what the last read found
 * while the store is provably unchanged since (<dataDir>/report-thresholds.json, keyed by pgliteFingerprint and
 * the newest app migration); otherwise PGlite boots in a worker thread (lib/cli/thresholds-worker.ts), beside
 * chDB's open instead of after it, and its answer is kept for the next start. null on PostgreSQL, or when the
 * sources run uncompiled: evidenceReport reads the app store itself.
 */
export function embeddedThresholdsInForce(config: CustodyConfig = loadConfig()): Promise<Thresholds> | null {
  if (config.databaseUrl || !fs.existsSync(WORKER)) return null
  return (async () => {
    const kept = keptThresholds(config)
    if (kept) return kept
    const stored = await fromWorker(config.dataDir)
    writeCache(config.dataDir, stored)
    return thresholdsFromStore(stored)
  })()
}

/**
 * Only what the last start kept, while the embedded store is provably unchanged since; null otherwise (or on
 * PostgreSQL). For a command that opens the app store on this thread too (`custody export`): a worker's PGlite
 * beside this thread's would be two instances over one data dir. Takes the data-dir lock (DataDirBusyError).
 */
export function keptThresholds(config: CustodyConfig = loadConfig()): Thresholds | null {
  if (config.databaseUrl) return null
  acquireDataDirLock(config.dataDir)
  const cached = readCache(config.dataDir)
  return cached && thresholdsFromStore(cached)
}

/**
 * The app store of `custody export` with its step that keeps the thresholds for the next start, as one: kept in the
 * worker thread from its boot to the export's record (PGlite's boot and queries never on the thread that drives chDB
 * and draws the PDF), which keeps the thresholds it read once it has closed the store; on PostgreSQL or when the
 * sources run uncompiled, `onThisThread`'s store, whose thresholds are kept once the export is recorded. Takes the
 * data-dir lock (DataDirBusyError).
 */
export function exportPackStore(request: PackStateRequest, onThisThread: (r: PackStateRequest) => PackAppStore, config: CustodyConfig = loadConfig()): PackAppStore {
  const worker = workerPackStore(request, config)
  if (worker) return worker
  const store = onThisThread(request)
  return {
    state: store.state,
    record: async (r) => {
      await store.record(r)
      if (r) await keepThresholdsForNextStart(config)
    },
  }
}

function workerPackStore(request: PackStateRequest, config: CustodyConfig): PackAppStore | null {
  if (config.databaseUrl || !fs.existsSync(WORKER)) return null
  acquireDataDirLock(config.dataDir)
  const worker = new Worker(WORKER, { workerData: { dataDir: config.dataDir, pack: request } })
  let stored: StoredThresholds | undefined
  const ended = new Promise<void>((resolve, reject) => {
    worker.on('error', reject)
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the app store's worker ended (${code})`))))
  })
  const state = new Promise<PackAppState>((resolve, reject) => {
    worker.once('message', (answer: { state: PackAppState; stored: StoredThresholds }) => {
      stored = answer.stored
      resolve(answer.state)
    })
    ended.then(() => reject(new Error("the app store's worker ended without the pack's app state")), reject)
  })
  ended.catch(() => undefined) // awaited by record
  return {
    state,
    record: async (r) => {
      worker.postMessage(r)
      await ended
      if (stored) writeCache(config.dataDir, stored)
    },
  }
}

/** After an export recorded itself on this thread: closes the app store and keeps the thresholds it holds for the next start. */
async function keepThresholdsForNextStart(config: CustodyConfig): Promise<void> {
  if (config.databaseUrl) return
  const { openAppStore, closeAppStore } = await import('@/db')
  const stored = await storedThresholds(await openAppStore())
  await closeAppStore()
  writeCache(config.dataDir, stored)
}

function cacheKey(dataDir: string): string | null {
  const fingerprint = pgliteFingerprint(dataDir)
  return fingerprint && `${newestMigration(APP_MIGRATIONS_DIR)}|${fingerprint}`
}

function readCache(dataDir: string): StoredThresholds | null {
  const file = path.join(dataDir, CACHE_FILE)
  let parsed
  try {
    parsed = cacheSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')))
  } catch {
    return null // none yet, or cut short: read the store
  }
  if (!parsed.success || parsed.data.key !== cacheKey(dataDir)) return null
  traceStatement('app-store', 'thresholds:unchanged', `read ${file}`)
  return parsed.data.stored
}

/** Called with the store closed and the lock held, so the key describes exactly the state `stored` was read from. */
function writeCache(dataDir: string, stored: StoredThresholds): void {
  const key = cacheKey(dataDir)
  if (!key) return
  const file = path.join(dataDir, CACHE_FILE)
  fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify({ key, stored }))
  fs.renameSync(`${file}.${process.pid}`, file)
}

/** The worker's answer, once it has closed the store and ended (so nothing is cut when this process exits). */
function fromWorker(dataDir: string): Promise<StoredThresholds> {
  return new Promise((resolve, reject) => {
    let answer: StoredThresholds | undefined
    const worker = new Worker(WORKER, { workerData: { dataDir } })
    worker.on('message', (stored: StoredThresholds) => (answer = stored))
    worker.on('error', reject)
    worker.on('exit', (code) => (answer ? resolve(answer) : reject(new Error(`the app store's worker ended (${code}) without the thresholds`))))
  })
}
