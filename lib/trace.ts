import { loadConfig } from '@/lib/config'

/**
 * CUSTODY_TRACE=1: each statement a store is asked to run, with its tag and the time since the process
 * started, on stderr — what a start-up or a slow command spends its time on, and proof of what it ran.
 * The line ends with the process's CPU so far (user + system, every thread: the embedded engine's too),
 * so the CPU of a step is the difference between two lines.
 */
export function traceStatement(store: 'clickhouse' | 'app-store', tag: string, text: string): void {
  if (!loadConfig().trace) return
  const head = text.replace(/\s+/g, ' ').trim().slice(0, 100)
  const { user, system } = process.cpuUsage()
  process.stderr.write(`custody: trace +${Math.round(performance.now())}ms ${store} ${tag}: ${head} (cpu ${Math.round((user + system) / 1000)}ms)\n`)
}

/** CUSTODY_TRACE=1: a step of a long command reached (`what` names the command), with the time since the process started. */
export function traceStep(what: string, step: string): void {
  if (!loadConfig().trace) return
  process.stderr.write(`custody: trace +${Math.round(performance.now())}ms ${what}: ${step}\n`)
}
