import { spawn } from 'node:child_process'
import fs from 'node:fs'

export type Measured = { seconds: number; peakRssMb: number; stdout: string; stderr: string; code: number }

/** Runs a command, timing it and sampling its process tree's peak resident memory (VmHWM). */
export async function measure(cmd: string, args: string[], env: Record<string, string>, cwd = process.cwd()): Promise<Measured> {
  const started = process.hrtime.bigint()
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
  return { seconds, peakRssMb: Math.round(peakKb / 1024), stdout, stderr, code }
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
