import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirBusyError, acquireDataDirLock, releaseDataDirLock } from '@/lib/store/lock'

const RACERS = 16
const SCRIPT = 'test/store/lock-race.script.ts'

const dirs: string[] = []
const freshDir = () => dirs[dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'custody-lock-race-'))) - 1]
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })))
const lockPath = (dir: string) => path.join(dir, 'custody.lock')
const ownerFile = (dir: string) => path.join(lockPath(dir), 'owner.json')

type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> }

function run(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (b) => (stdout += b))
  child.stderr!.on('data', (b) => (stderr += b))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, stdout: () => stdout, stderr: () => stderr, exited }
}

async function until(what: string, done: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** RACERS processes wait on one fifo, all released at once, all trying to take dir's lock. */
async function race(dir: string): Promise<{ won: number; busy: number; codes: (number | null)[]; errors: string }> {
  const fifo = path.join(os.tmpdir(), `custody-lock-gun-${process.pid}-${Date.now()}`)
  execFileSync('mkfifo', [fifo])
  const racers = Array.from({ length: RACERS }, () => run(['race', dir, fifo]))
  await until('every racer at the line', () => racers.every((r) => r.stdout().includes('ready')))
  await new Promise((r) => setTimeout(r, 300)) // from printing `ready` into the blocking open
  const said = (r: Run) => r.stdout().split('\n')[1]
  // Opening and closing the writing end releases every racer waiting on the fifo at once;
  // repeated (without blocking) for any racer that reached its open late.
  await until('every racer to answer', () => {
    fire(fifo)
    return racers.every((r) => said(r) === 'won' || said(r) === 'busy' || r.child.exitCode !== null)
  })
  const losers = racers.filter((r) => said(r) !== 'won')
  const codes = await Promise.all(losers.map((r) => r.exited))
  fs.writeFileSync(path.join(dir, 'race-over'), '')
  const winnerCodes = await Promise.all(racers.filter((r) => said(r) === 'won').map((r) => r.exited))
  fs.rmSync(fifo)
  return {
    won: racers.filter((r) => said(r) === 'won').length,
    busy: racers.filter((r) => said(r) === 'busy').length,
    codes: [...winnerCodes, ...codes],
    errors: racers.map((r) => r.stderr()).join(''),
  }
}

function fire(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err // ENXIO: nobody waiting
  }
}

function writeLock(dir: string, record: object, heartbeatAgoMs: number): void {
  fs.mkdirSync(lockPath(dir))
  fs.writeFileSync(ownerFile(dir), JSON.stringify(record))
  const at = new Date(Date.now() - heartbeatAgoMs)
  fs.utimesSync(ownerFile(dir), at, at)
}

const elsewhere = (token: string) => ({ token, pid: 4242, machine: 'another-host boot ns', owner: `pid 4242 on another host (${token})` })

describe('one owner per data dir, with many processes racing', () => {
  it(`gives a free data dir to exactly one of ${RACERS} processes starting at once; the others are told it is in use`, async () => {
    const result = await race(freshDir())
    expect(result.errors).toBe('')
    expect(result).toMatchObject({ won: 1, busy: RACERS - 1 })
    expect(result.codes.sort()).toEqual([0, ...Array(RACERS - 1).fill(3)])
  })

  it(`lets exactly one of ${RACERS} processes take over the lock of a process killed with -9`, async () => {
    const dir = freshDir()
    const killed = run(['hold', dir])
    await until('the first owner', () => killed.stdout().includes('held'))
    killed.child.kill('SIGKILL')
    await killed.exited
    expect(fs.existsSync(ownerFile(dir)), 'kill -9 leaves its lock behind').toBe(true)
    const result = await race(dir)
    expect(result.errors).toBe('')
    expect(result).toMatchObject({ won: 1, busy: RACERS - 1 })
  })

  it(`lets exactly one of ${RACERS} processes take over a lock whose owner on another machine stopped its heartbeat 31 s ago`, async () => {
    const dir = freshDir()
    writeLock(dir, elsewhere('silent'), 31_000)
    const result = await race(dir)
    expect(result.errors).toBe('')
    expect(result).toMatchObject({ won: 1, busy: RACERS - 1 })
  })
})

describe('holding the data dir', () => {
  it('keeps its heartbeat fresh while it runs, stops when its lock is taken over, and leaves the new owner lock alone', async () => {
    const dir = freshDir()
    const holder = run(['hold', dir])
    await until('the owner', () => holder.stdout().includes('held'))
    const first = fs.statSync(ownerFile(dir)).mtimeMs
    await until('a heartbeat', () => fs.statSync(ownerFile(dir)).mtimeMs > first, 12_000)

    // What another process does when it judges this lock stale: retire it, put its own in place.
    const token = JSON.parse(fs.readFileSync(ownerFile(dir), 'utf8')).token as string
    fs.renameSync(lockPath(dir), `${lockPath(dir)}.dead-${token}`)
    writeLock(dir, elsewhere('successor'), 0)

    expect(await holder.exited).toBe(3)
    expect(holder.stderr()).toContain(`This process no longer holds the Custody data directory ${dir}`)
    expect(holder.stderr()).toContain('successor')
    expect(JSON.parse(fs.readFileSync(ownerFile(dir), 'utf8')).token).toBe('successor')
  })

  it('refuses a lock held from another machine whose heartbeat is fresh, naming its owner', () => {
    const dir = freshDir()
    writeLock(dir, elsewhere('fresh'), 5_000)
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError)
    expect(() => acquireDataDirLock(dir)).toThrow('in use by another process (pid 4242 on another host (fresh))')
  })

  it('takes over the lock file an older version left behind when its process is gone, and honours a live one', () => {
    const dir = freshDir()
    const gone = spawnSyncPid()
    fs.writeFileSync(lockPath(dir), JSON.stringify({ pid: gone, owner: `pid ${gone}, custody ingest` }))
    acquireDataDirLock(dir)
    expect(JSON.parse(fs.readFileSync(ownerFile(dir), 'utf8')).pid).toBe(process.pid)
    releaseDataDirLock(dir)
    expect(fs.existsSync(lockPath(dir)), 'release removes the lock').toBe(false)

    fs.writeFileSync(lockPath(dir), JSON.stringify({ pid: process.ppid, owner: 'the old dashboard' }))
    expect(() => acquireDataDirLock(dir)).toThrow('in use by another process (the old dashboard)')
  })
})

/** The pid of a process that has already exited. */
function spawnSyncPid(): number {
  return Number(execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim())
}
