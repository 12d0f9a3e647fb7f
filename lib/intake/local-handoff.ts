import { randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { CLIENT_ADDRESS_HEADER } from '@/lib/auth/client-address'

/**
 * The CLI beside a running dashboard (intake.md): the dashboard owns the embedded stores, so
 * `custody ingest` and `custody report` on its data dir go through it. At start the dashboard
 * makes a random token and writes it, with its loopback URL, to <dataDir>/custody.handoff.json,
 * readable by its own OS user only. The token is accepted from loopback addresses only and
 * lives as long as the process: it is never stored anywhere else.
 */
export const HANDOFF_FILE = 'custody.handoff.json'

export const handoffSchema = z.object({ url: z.url(), token: z.string().min(32), pid: z.number().int().positive() })
export type Handoff = z.infer<typeof handoffSchema>

const state = globalThis as unknown as { __custodyHandoffToken?: Buffer }

/**
 * Called once at start (instrumentation.ts) on an embedded data dir. Next has bound its port by
 * then and put it in PORT; a server on a wildcard or loopback address answers on 127.0.0.1.
 */
export function publishLocalHandoff(dataDir: string, port: string | undefined): void {
  if (state.__custodyHandoffToken || !port) return
  const token = randomBytes(32).toString('base64url')
  state.__custodyHandoffToken = Buffer.from(token)
  writeHandoff(dataDir, { url: `http://127.0.0.1:${port}`, token, pid: process.pid })
}

/** Whether this request carries this process's handoff token and comes from this machine. */
export function isLocalHandoff(request: Request): boolean {
  const expected = state.__custodyHandoffToken
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  if (!expected || !bearer) return false
  const given = Buffer.from(bearer)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false
  return isLoopback(request.headers.get(CLIENT_ADDRESS_HEADER) ?? '')
}

function writeHandoff(dataDir: string, handoff: Handoff): void {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, HANDOFF_FILE)
  const staging = `${file}.${process.pid}`
  // 0600 from the first byte: the token is never readable by another user, not even briefly
  fs.writeFileSync(staging, JSON.stringify(handoff), { mode: 0o600 })
  fs.renameSync(staging, file)
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.')
}
