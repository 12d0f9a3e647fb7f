// A worker thread of `custody report` (a bundle entry of lib/cli/launch.mjs): boots the embedded app store and reads
// what the store holds of the thresholds in force, on the second core, while the main thread opens chDB and runs the report. Both boots are
// synchronous native/wasm work (~0.35 s and ~0.5 s) that would otherwise queue on one thread.
// The process that starts it holds the data-dir lock; the store is closed before the thread ends.
import { workerData, parentPort } from 'node:worker_threads'
import { bootPglite } from '@/db'
import { storedThresholds } from '@/lib/thresholds/in-force'

const { dataDir } = workerData as { dataDir: string }
const opened = await bootPglite(dataDir)
try {
  parentPort!.postMessage(await storedThresholds(opened.store))
} finally {
  await opened.close()
}
