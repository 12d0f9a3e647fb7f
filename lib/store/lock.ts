import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { LOCK_REFRESH_MS, RECORD_FILE, newRecord, readHolder, readRecord } from './lock-record'

/**
 * One owner per data dir. chDB refuses a second process on the same path and
 * two processes on one PGlite folder silently lose writes, so whoever opens the
 * embedded stores holds this lock for the life of the process.
 *
 * The lock is the directory <dataDir>/custody.lock holding owner.json. Every step is one rename:
 * - take: the directory is made whole under a private name and renamed into place; a rename
 *   onto an existing non-empty directory fails, so exactly one of many racers gets in.
 * - remove (a stale lock, or our own on release): rename it to custody.lock.dead-<its token>.
 *   A second remover that judged the same lock stale renames onto that non-empty tombstone
 *   and fails, so it can never remove the lock that replaced it. Takeover tombstones are kept
 *   for TOMBSTONE_KEEP_MS for that reason.
 * - hold: every LOCK_REFRESH_MS the holder checks the lock still carries its token and touches
 *   owner.json. A holder that finds another token has lost the lock and stops (exit 3).
 * A holder on this machine that died (kill -9, power loss) is taken over at once (its pid is gone);
 * one on another machine sharing the directory after LOCK_STALE_MS (30 s) without a heartbeat.
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

export class DataDirLockLostError extends Error {
  constructor(dir: string, owner: string) {
    super(
      `This process no longer holds the Custody data directory ${dir} (now: ${owner}) and stops rather than ` +
        'write beside another owner. Its lock was taken over because it looked stale; run one process per data directory.',
    )
    this.name = 'DataDirLockLostError'
  }
}

const LOCK_NAME = 'custody.lock'
const TOMBSTONE_KEEP_MS = 10 * 60_000
const TAKE_ATTEMPTS = 8

type HeldLock = { token: string; heartbeat: NodeJS.Timeout }
// On globalThis, like the stores: Next dev's module reloads must find the lock they already hold.
const state = globalThis as unknown as { __custodyDataDirLocks?: Map<string, HeldLock> }
const held = (state.__custodyDataDirLocks ??= new Map())
if (held.size === 0) process.once('exit', releaseAll)

export function acquireDataDirLock(dir: string): void {
  const abs = path.resolve(dir)
  if (held.has(abs)) return
  fs.mkdirSync(abs, { recursive: true })
  const lockPath = path.join(abs, LOCK_NAME)
  sweepLeftovers(abs)
  const token = randomUUID()
  const staging = `${lockPath}.new-${token}`
  fs.mkdirSync(staging)
  fs.writeFileSync(path.join(staging, RECORD_FILE), JSON.stringify(newRecord(token)))
  try {
    takeLock(abs, lockPath, staging)
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
  const heartbeat = setInterval(() => keepAlive(abs, token), LOCK_REFRESH_MS).unref()
  held.set(abs, { token, heartbeat })
}

/** Gives the lock back if this process still holds it; a lock since taken over is left to its owner. */
export function releaseDataDirLock(dir: string): void {
  const abs = path.resolve(dir)
  const lock = held.get(abs)
  if (!lock) return
  held.delete(abs)
  clearInterval(lock.heartbeat)
  const tombstone = retire(path.join(abs, LOCK_NAME), lock.token)
  if (tombstone) fs.rmSync(tombstone, { recursive: true, force: true })
}

function takeLock(abs: string, lockPath: string, staging: string): void {
  for (let attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
    try {
      fs.renameSync(staging, lockPath)
      return
    } catch (err) {
      if (!isOccupied(err)) throw err
    }
    const holder = readHolder(lockPath)
    if (!holder) continue
    if (!holder.stale) throw new DataDirBusyError(abs, holder.owner)
    retire(lockPath, holder.id)
  }
  throw new DataDirBusyError(abs, 'several processes are starting on it at once')
}

/**
 * Moves the lock at lockPath to its tombstone if it is still the one named id; returns the
 * tombstone, or null when someone else removed or replaced it first.
 */
function retire(lockPath: string, id: string): string | null {
  const tombstone = `${lockPath}.dead-${id}`
  try {
    fs.renameSync(lockPath, tombstone)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || isOccupied(err)) return null
    throw err
  }
  const moved = readRecord(tombstone)
  if (moved && moved.token !== id) {
    // Only after a tombstone outlived TOMBSTONE_KEEP_MS: we moved a newer lock. Put it back;
    // if another lock got in meanwhile, the moved one's owner sees that at its next heartbeat.
    try {
      fs.renameSync(tombstone, lockPath)
    } catch (err) {
      if (!isOccupied(err)) throw err
    }
    return null
  }
  return tombstone
}

function keepAlive(abs: string, token: string): void {
  const lockPath = path.join(abs, LOCK_NAME)
  const current = readRecord(lockPath)
  if (current?.token !== token) return lost(abs, current?.owner ?? 'nobody')
  const now = new Date()
  try {
    fs.utimesSync(path.join(lockPath, RECORD_FILE), now, now)
  } catch {
    // removed since the check: the next beat finds out who holds it now
  }
}

function lost(abs: string, owner: string): never {
  const lock = held.get(abs)
  if (lock) clearInterval(lock.heartbeat)
  held.delete(abs)
  process.stderr.write(`custody: ${new DataDirLockLostError(abs, owner).message}\n`)
  process.exit(3)
}

function releaseAll(): void {
  for (const abs of [...held.keys()]) releaseDataDirLock(abs)
}

/** Locks half-made or removed by processes that died mid-step; young ones may still be in use. */
function sweepLeftovers(abs: string): void {
  const cutoff = Date.now() - TOMBSTONE_KEEP_MS
  for (const name of fs.readdirSync(abs)) {
    if (!name.startsWith(`${LOCK_NAME}.`)) continue
    const leftover = path.join(abs, name)
    try {
      // ctime, not mtime: a rename sets it, so a tombstone's age counts from its removal.
      if (fs.statSync(leftover).ctimeMs < cutoff) fs.rmSync(leftover, { recursive: true, force: true })
    } catch {
      // another process swept it first
    }
  }
}

/** rename's answers for "something is already there": a non-empty directory, or an old-style lock file. */
function isOccupied(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR'
}
