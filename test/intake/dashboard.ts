import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** The built dashboard (`next start`) on a data dir of its own, as a sender meets it. */
export type Dashboard = { url: string; dataDir: string; process: ChildProcess; log: () => string }

export function newDataDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `custody-intake-${name}-`))
}

export function custodyEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '', ...extra }
}

/** `npm run -s custody -- …` as a script outside the project runs it. */
export function custody(dataDir: string, args: string[], input?: string | Buffer) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], { env: custodyEnv(dataDir), input, encoding: 'utf8', timeout: 180_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

/**
 * `custody` without blocking this process: for a test that serves something the command reaches
 * (a webhook receiver, an SMTP inbox) from its own event loop.
 */
export function custodyAsync(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('npm', ['run', '-s', 'custody', '--', ...args], { env: custodyEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** An ingest token made the way a provisioning script makes one. */
export function provisionToken(dataDir: string, name: string, sources?: string): string {
  const run = custody(dataDir, ['tokens', 'create', '--name', name, ...(sources ? ['--sources', sources] : []), '--json'])
  if (run.code !== 0) throw new Error(`tokens create failed: ${run.stderr}`)
  return JSON.parse(run.stdout).token
}

export async function startDashboard(dataDir: string, port: number, env: Record<string, string> = {}): Promise<Dashboard> {
  if (!fs.existsSync('.next/BUILD_ID')) throw new Error('no build of the dashboard: run `npx next build` first')
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: custodyEnv(dataDir, { NEXTAUTH_URL: url, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited: ${output}`)
    const up = await fetch(`${url}/api/health`).then((r) => r.ok, () => false)
    if (up) return { url, dataDir, process: child, log: () => output }
    await new Promise((r) => setTimeout(r, 250))
  }
  child.kill('SIGKILL')
  throw new Error(`the dashboard did not start within 60 s: ${output}`)
}

export async function stopDashboard(dashboard: Dashboard, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (dashboard.process.exitCode !== null || dashboard.process.signalCode !== null) return
  const exited = new Promise((r) => dashboard.process.once('exit', r))
  dashboard.process.kill(signal)
  await exited
}
