import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSecret, sealSecret } from '@/lib/store/sealed-secrets'

describe('sealed secrets', () => {
  const saved = { ...process.env }
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-sealed-'))
    delete process.env.CUSTODY_SEALING_KEY
    delete process.env.CUSTODY_SEALING_KEY_FILE
    process.env.CUSTODY_DATA_DIR = dir
  })
  afterEach(() => {
    process.env = { ...saved }
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('round-trips, never stores the plaintext, and seals the same secret differently each time', () => {
    const a = sealSecret('xoxb-webhook-token')
    const b = sealSecret('xoxb-webhook-token')
    expect(a).not.toContain('xoxb')
    expect(a).not.toBe(b)
    expect(openSecret(a)).toBe('xoxb-webhook-token')
    expect(openSecret(b)).toBe('xoxb-webhook-token')
  })

  it('creates the data dir key once, readable only by its owner', () => {
    const sealed = sealSecret('s')
    const file = path.join(dir, 'sealing.key')
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    const key = fs.readFileSync(file, 'utf8')
    sealSecret('t')
    expect(fs.readFileSync(file, 'utf8')).toBe(key)
    expect(openSecret(sealed)).toBe('s')
  })

  it('refuses a changed ciphertext and a different key, saying which key sealed it', () => {
    const sealed = sealSecret('secret')
    const body = sealed.split(':')
    const flipped = Buffer.from(body[5], 'base64')
    flipped[0] ^= 1
    expect(() => openSecret([...body.slice(0, 5), flipped.toString('base64')].join(':'))).toThrow()
    process.env.CUSTODY_SEALING_KEY = Buffer.alloc(32, 7).toString('base64')
    expect(() => openSecret(sealed)).toThrow(/sealed with key [0-9a-f]{16}, but the sealing key in use is/)
  })

  it('names the variable when the configured key is malformed', () => {
    process.env.CUSTODY_SEALING_KEY = 'c2hvcnQ='
    expect(() => sealSecret('x')).toThrow(/CUSTODY_SEALING_KEY must be 32 bytes/)
  })
})
