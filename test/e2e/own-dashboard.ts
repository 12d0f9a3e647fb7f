import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A second dashboard on its own data dir, for a spec that changes thresholds and adds data: the
 * shared server's other specs read fixed numbers from their fixtures. It serves the build the
 * shared server already made (.next) and is stopped, and its data dir removed, by `stop`.
 */
export type OwnDashboard = { url: string; dataDir: string; custody: (...args: string[]) => string; stop: () => Promise<void> }

export async function startOwnDashboard(port: number, prepare: (custody: OwnDashboard['custody']) => void): Promise<OwnDashboard> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-e2e-alerts-'))
  const url = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = { ...process.env, CUSTODY_DATA_DIR: dataDir, NEXTAUTH_URL: url, CUSTODY_NOTIFY_BACKOFF_MS: '500' }
  for (const name of ['CLICKHOUSE_URL', 'DATABASE_URL', 'NEXTAUTH_SECRET', 'CUSTODY_OIDC_ISSUER', 'CUSTODY_OIDC_CLIENT_ID', 'CUSTODY_OIDC_CLIENT_SECRET']) delete env[name]
  const run = (command: string, args: string[]) => {
    const done = spawnSync(command, args, { env, encoding: 'utf8' })
    if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${done.status}: ${done.stderr}`)
    return done.stdout
  }
  const custody = (...args: string[]) => run('npm', ['run', '-s', 'custody', '--', ...args])
  run('npx', ['tsx', 'test/e2e/seed-users.ts'])
  prepare(custody)
  const server = spawn('node', ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], { env, stdio: ['ignore', 'inherit', 'inherit'] })
  await healthy(url, server)
  return {
    url,
    dataDir,
    custody,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

async function healthy(url: string, server: ChildProcess): Promise<void> {
  const end = Date.now() + 120_000
  while (Date.now() < end) {
    if (server.exitCode !== null) throw new Error(`the dashboard on ${url} exited ${server.exitCode} before it answered`)
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`the dashboard on ${url} did not answer /api/health within 2 minutes`)
}
