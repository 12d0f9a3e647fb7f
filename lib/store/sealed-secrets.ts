import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { loadConfig } from '@/lib/config'

/**
 * Secrets the app state must keep but nobody may read back (the evidence signing key,
 * notification destinations' tokens and passwords) are sealed with AES-256-GCM before they
 * reach Postgres. The sealing key never goes there: it comes from CUSTODY_SEALING_KEY
 * (32 bytes, base64), or the file CUSTODY_SEALING_KEY_FILE names, or — on the embedded
 * defaults — `sealing.key` in the data dir, created once, readable only by the service.
 */
const SEALED = /^sealed:v1:([0-9a-f]{16}):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]*)$/
const keySchema = z
  .string()
  .trim()
  .transform((text) => Buffer.from(text, 'base64'))
  .refine((key) => key.length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')

export function sealSecret(plaintext: string): string {
  const key = sealingKey()
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return ['sealed:v1', keyId(key), iv.toString('base64'), cipher.getAuthTag().toString('base64'), sealed.toString('base64')].join(':')
}

export function openSecret(sealed: string): string {
  const parts = SEALED.exec(sealed)
  if (!parts) throw new Error('not a sealed secret')
  const key = sealingKey()
  if (parts[1] !== keyId(key)) {
    throw new Error(`this secret was sealed with key ${parts[1]}, but the sealing key in use is ${keyId(key)}`)
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64'))
  decipher.setAuthTag(Buffer.from(parts[3], 'base64'))
  return Buffer.concat([decipher.update(Buffer.from(parts[4], 'base64')), decipher.final()]).toString('utf8')
}

function sealingKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env.CUSTODY_SEALING_KEY) return parseKey(env.CUSTODY_SEALING_KEY, 'CUSTODY_SEALING_KEY')
  const file = env.CUSTODY_SEALING_KEY_FILE || path.join(loadConfig(env).dataDir, 'sealing.key')
  if (!env.CUSTODY_SEALING_KEY_FILE) createKeyFileOnce(file)
  return parseKey(fs.readFileSync(file, 'utf8'), file)
}

function parseKey(text: string, origin: string): Buffer {
  const parsed = keySchema.safeParse(text)
  if (!parsed.success) throw new Error(`sealing key from ${origin} ${parsed.error.issues[0].message}`)
  return parsed.data
}

function createKeyFileOnce(file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}
