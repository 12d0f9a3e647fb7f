// A worker thread of `custody report` and `custody export` (a bundle entry of lib/cli/launch.mjs): boots the embedded
// app store on the second core, while the main thread opens chDB and runs the queries. Both boots are synchronous
// native/wasm work (~0.35 s and ~0.5 s) that would otherwise queue on one thread. For a report it reads the thresholds
// in force; for an export (workerData.pack) what the pack prints from the app state, then waits for the pack's record
// (null: nothing to record) and writes it. The process that starts it holds the data-dir lock; the store is closed before
// the thread ends, and only this thread opens it.
import { workerData, parentPort } from 'node:worker_threads'
import { bootPglite } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import type { PackRecord, PackStateRequest } from '@/lib/evidence/app-state'
import { storedThresholds } from '@/lib/thresholds/in-force'

const { dataDir, pack } = workerData as { dataDir: string; pack?: PackStateRequest }
const opened = await bootPglite(dataDir)
try {
  if (!pack) parentPort!.postMessage(await storedThresholds(opened.store))
  else {
    // loaded only for an export: a report's worker reads the thresholds and nothing else
    const { readPackAppState, recordPackExport } = await import('@/lib/evidence/app-state')
    parentPort!.postMessage({ state: await readPackAppState(cliActor, opened.store, pack), stored: await storedThresholds(opened.store) })
    const record = await new Promise<PackRecord | null>((resolve) => parentPort!.once('message', resolve))
    if (record) await recordPackExport(cliActor, opened.store, record)
  }
} finally {
  await opened.close()
}
