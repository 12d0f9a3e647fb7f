import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** `cpuSeconds`: user + system time of the command's whole process tree, which the machine's other load does not inflate as it does wall time. */
export type Measured = { seconds: number; cpuSeconds: number; peakRssMb: number; stdout: string; stderr: string; code: number }

/** Runs a command, timing it and sampling its process tree's peak resident memory (VmHWM). Run one at a time (see childrenCpuSeconds). */
export async function measure(cmd: string, args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<Measured> {
  const started = process.hrtime.bigint()
  const cpuBefore = childrenCpuSeconds()
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  let peakKb = 0
  const sample = setInterval(() => {
    for (const pid of treePids(child.pid!)) peakKb = Math.max(peakKb, highWaterKb(pid))
  }, 50)
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  clearInterval(sample)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { seconds, cpuSeconds: childrenCpuSeconds() - cpuBefore, peakRssMb: Math.round(peakKb / 1024), stdout, stderr, code }
}

/**
 * CPU time of every descendant this process has waited for (cutime + cstime of /proc/self/stat, in clock
 * ticks of 1/100 s): the difference around one command is that command's tree, when nothing else runs beside it.
 */
function childrenCpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100
}

function treePids(root: number): number[] {
  const pids = [root]
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = fs.readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, 'utf8').trim()
      if (children) pids.push(...children.split(/\s+/).map(Number))
    } catch {
      // the process ended between samples
    }
  }
  return pids
}

function highWaterKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** A long-running process's peak resident memory since the last `resetPeakRss` (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return Math.round(highWaterKb(pid) / 1024)
}

/** Starts a new peak for `peakRssMb` (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
export function resetPeakRss(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** `npm run -s custody -- <args>` in `cwd` (today's checkout or a baseline's), as a customer's script runs it. */
export function custodyCli(args: string[], dataDir: string, cwd = process.cwd(), env: Record<string, string> = {}): Promise<Measured> {
  return measure('npm', ['run', '-s', 'custody', '--', ...args], { CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '', ...env }, cwd)
}

/**
 * Brings the checkout's compiled CLI up to date (a run with no command exits 2 after the launcher's check), so a
 * timed run measures a start, not a build. A checkout from before the compiled CLI just prints its usage.
 */
export async function compileCli(cwd = process.cwd()): Promise<void> {
  const run = await measure('npm', ['run', '-s', 'custody'], {}, cwd)
  if (run.code !== 2) throw new Error(`custody (in ${cwd}) did not start: ${run.stderr}`)
}

/** Writes one of the customer benchmark's file sets (test/bench/customer/write-files.ts) with a scratch engine. */
export async function writeCustomerFileSet(dir: string, actions: number, sources = 'gateway,okta,keys'): Promise<Measured> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-bench-scratch-'))
  try {
    const run = await measure(path.join('node_modules', '.bin', 'tsx'), ['test/bench/customer/write-files.ts', dir, String(actions), sources], {
      CUSTODY_DATA_DIR: scratch,
      CUSTODY_QUERY_TIMEOUT_SECONDS: '7200',
    })
    if (run.code !== 0) throw new Error(`writing the customer files failed: ${run.stderr}`)
    return run
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}
