import { loadConfig } from '@/lib/config'

/**
 * CUSTODY_TRACE=1: each statement a store is asked to run, with its tag, the time since the process
 * started and the process's CPU so far (user + system, every thread: the embedded engine's too), on
 * stderr — what a start-up or a slow command spends its time on, and proof of what it ran.
 */
export function traceStatement(store: 'clickhouse' | 'app-store', tag: string, text: string): void {
  if (!loadConfig().trace) return
  const head = text.replace(/\s+/g, ' ').trim().slice(0, 100)
  process.stderr.write(`custody: trace +${Math.round(performance.now())}ms ${cpuSoFar()} ${store} ${tag}: ${head}\n`)
}

/** CUSTODY_TRACE=1: a step of a long command reached (`what` names the command), with the time since the process started. */
export function traceStep(what: string, step: string): void {
  if (!loadConfig().trace) return
  process.stderr.write(`custody: trace +${Math.round(performance.now())}ms ${cpuSoFar()} ${what}: ${step}\n`)
}

function cpuSoFar(): string {
  const { user, system } = process.cpuUsage()
  return `cpu ${Math.round((user + system) / 1000)}ms`
}
