import fs from 'node:fs'
import path from 'node:path'

/**
 * One owner per data dir. chDB refuses a second process on the same path and
 * two processes on one PGlite folder silently lose writes, so whoever opens the
 * embedded stores holds this lock for the life of the process.
 */
export class DataDirBusyError extends Error {
  constructor(dir: string, owner: string) {
    super(
      `The Custody data directory ${dir} is in use by another process (${owner}).\n` +
        'Only one process may open the embedded stores at a time. Stop that process ' +
        '(for example the dashboard) and run this again, or point CUSTODY_DATA_DIR at another directory, ' +
        'or use CLICKHOUSE_URL and DATABASE_URL servers, which many processes can share.',
    )
    this.name = 'DataDirBusyError'
  }
}

const held = new Map<string, number>()

export function acquireDataDirLock(dir: string): void {
  const abs = path.resolve(dir)
  if (held.has(abs)) return
  fs.mkdirSync(abs, { recursive: true })
  const lockPath = path.join(abs, 'custody.lock')
  const me = `pid ${process.pid}, ${process.argv.slice(1, 3).map((a) => path.basename(a)).join(' ')}, since ${new Date().toISOString()}`
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx')
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, owner: me }))
      held.set(abs, fd)
      process.once('exit', () => releaseDataDirLock(abs))
      return
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = readHolder(lockPath)
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new DataDirBusyError(abs, holder.owner)
      // The holder died without cleaning up: the lock is stale.
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new DataDirBusyError(abs, 'unknown')
}

export function releaseDataDirLock(dir: string): void {
  const abs = path.resolve(dir)
  const fd = held.get(abs)
  if (fd === undefined) return
  held.delete(abs)
  try {
    fs.closeSync(fd)
    fs.rmSync(path.join(abs, 'custody.lock'), { force: true })
  } catch {
    // already gone: nothing to release
  }
}

function readHolder(lockPath: string): { pid: number; owner: string } | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: unknown; owner?: unknown }
    if (typeof parsed.pid !== 'number') return null
    return { pid: parsed.pid, owner: String(parsed.owner ?? `pid ${parsed.pid}`) }
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
