import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { z } from 'zod'

/** A holder writes its heartbeat (the record's mtime) this often… */
export const LOCK_REFRESH_MS = 5_000
/** …and a lock whose heartbeat is older than this, held from another machine, is stale. */
export const LOCK_STALE_MS = 30_000

export const RECORD_FILE = 'owner.json'

const recordSchema = z.object({
  token: z.string().min(1),
  pid: z.number().int().positive(),
  machine: z.string(),
  owner: z.string(),
})
// What versions before the directory lock wrote: a plain file custody.lock.
const legacySchema = z.object({ pid: z.number().int().positive(), owner: z.string().optional() })

export type LockRecord = z.infer<typeof recordSchema>

/** The lock found at the lock path, with what decides whether it is stale. */
export type LockHolder = {
  /** Names its tombstone, so two removers of the same stale lock cannot both remove something. */
  id: string
  owner: string
  stale: boolean
}

export function newRecord(token: string): LockRecord {
  const command = process.argv.slice(1, 3).map((a) => path.basename(a)).join(' ')
  return { token, pid: process.pid, machine: thisMachine(), owner: `pid ${process.pid}, ${command}, since ${new Date().toISOString()}` }
}

/** The record inside a lock directory, or null when it is gone or not one of ours. */
export function readRecord(lockDir: string): LockRecord | null {
  try {
    return recordSchema.parse(JSON.parse(fs.readFileSync(path.join(lockDir, RECORD_FILE), 'utf8')))
  } catch {
    return null
  }
}

/** Who holds the lock at lockPath, or null when nothing is there any more. */
export function readHolder(lockPath: string, now = Date.now()): LockHolder | null {
  let stat: fs.Stats
  try {
    stat = fs.statSync(lockPath)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  if (stat.isFile()) return legacyHolder(lockPath, stat)
  const record = readRecord(lockPath)
  const heartbeat = heartbeatOf(lockPath) ?? stat.mtimeMs
  const silent = now - heartbeat > LOCK_STALE_MS
  if (!record) return { id: `ino-${stat.ino}`, owner: 'unknown', stale: silent }
  // On this machine the process table is the truth: a dead holder is stale at once and a
  // live one is never robbed, however long its event loop stalls. Elsewhere only the heartbeat shows.
  const stale = record.machine === thisMachine() ? record.pid === process.pid || !isAlive(record.pid) : silent
  return { id: record.token, owner: record.owner, stale }
}

function heartbeatOf(lockPath: string): number | null {
  try {
    return fs.statSync(path.join(lockPath, RECORD_FILE)).mtimeMs
  } catch {
    return null
  }
}

function legacyHolder(lockPath: string, stat: fs.Stats): LockHolder {
  let legacy: z.infer<typeof legacySchema> | null = null
  try {
    legacy = legacySchema.parse(JSON.parse(fs.readFileSync(lockPath, 'utf8')))
  } catch {
    // the old writer's empty-file window: nobody is known to hold it
  }
  const alive = legacy !== null && legacy.pid !== process.pid && isAlive(legacy.pid)
  return { id: `legacy-${stat.ino}`, owner: legacy?.owner ?? 'unknown', stale: !alive }
}

let machine: string | undefined
/** Host, boot and pid namespace: where a pid means the same process. After a reboot or from a container it does not. */
export function thisMachine(): string {
  machine ??= [os.hostname(), procText('/proc/sys/kernel/random/boot_id'), procLink('/proc/self/ns/pid')].join(' ')
  return machine
}

function procText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return '-'
  }
}

function procLink(file: string): string {
  try {
    return fs.readlinkSync(file)
  } catch {
    return '-'
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
