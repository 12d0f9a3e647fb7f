import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { custody, custodyAsync, custodyEnv, newDataDir, startDashboard, stopDashboard, type Dashboard } from '../intake/dashboard'

/**
 * A second dashboard on its own data dir, for a spec that changes thresholds and adds data: the
 * shared server's other specs read fixed numbers from their fixtures. It serves the build the
 * shared server already made (.next); `prepare` runs `custody` commands before it starts.
 */
export type OwnDashboard = {
  url: string
  /** `custody …` beside the running dashboard (ingest goes through its handoff), without blocking this process. */
  custody: (...args: string[]) => Promise<{ code: number | null; stdout: string; stderr: string }>
  stop: () => Promise<void>
}

export async function startOwnDashboard(port: number, prepare: (custody: (...args: string[]) => void) => void): Promise<OwnDashboard> {
  const dataDir = newDataDir('e2e-alerts')
  const run = (...args: string[]) => {
    const done = custody(dataDir, args)
    if (done.code !== 0) throw new Error(`custody ${args.join(' ')} exited ${done.code}: ${done.stderr}`)
  }
  const seeded = spawnSync('npx', ['tsx', 'test/e2e/seed-users.ts'], { env: custodyEnv(dataDir), encoding: 'utf8' })
  if (seeded.status !== 0) throw new Error(`seeding the demo users failed: ${seeded.stderr}`)
  prepare(run)
  let dashboard: Dashboard
  try {
    dashboard = await startDashboard(dataDir, port, { CUSTODY_NOTIFY_BACKOFF_MS: '500' })
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
  return {
    url: dashboard.url,
    custody: (...args) => custodyAsync(dataDir, args),
    stop: async () => {
      await stopDashboard(dashboard)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
