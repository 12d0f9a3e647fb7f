import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// OWASP's minimum for scrypt: N=2^17, r=8, p=1. Memory-hard: 128·N·r = 128 MiB per hash,
// four times Node's default maxmem, so maxmem is raised to fit it with headroom.
export const PASSWORD_COST = { N: 2 ** 17, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 32
const MAX_MEMORY = 160 * 1024 * 1024

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(plain, salt, KEY_BYTES, PASSWORD_COST)
  return ['scrypt', PASSWORD_COST.N, PASSWORD_COST.r, PASSWORD_COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** False for a wrong password and for anything that is not a hash this module wrote. */
export async function verifyPassword(plain: string, encoded: string): Promise<boolean> {
  const stored = parseHash(encoded)
  if (!stored) return false
  const key = await derive(plain, stored.salt, stored.key.length, stored.cost)
  return timingSafeEqual(key, stored.key)
}

/** True for a hash written with a lower cost than today's: re-hash it at the next successful sign-in. */
export function needsRehash(encoded: string): boolean {
  const stored = parseHash(encoded)
  return !stored || stored.cost.N < PASSWORD_COST.N || stored.cost.r < PASSWORD_COST.r
}

type StoredHash = { cost: { N: number; r: number; p: number }; salt: Buffer; key: Buffer }

function parseHash(encoded: string): StoredHash | null {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(encoded)
  if (!m) return null
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  // Bounds keep a corrupted row from asking for gigabytes of memory.
  const sane = cost.N >= 2 ** 10 && cost.N <= 2 ** 20 && (cost.N & (cost.N - 1)) === 0
  if (!sane || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 16) return null
  if (128 * cost.N * cost.r > MAX_MEMORY) return null
  const key = Buffer.from(m[5], 'base64url')
  if (key.length < 16) return null
  return { cost, salt: Buffer.from(m[4], 'base64url'), key }
}

function derive(plain: string, salt: Buffer, length: number, cost: StoredHash['cost']): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: MAX_MEMORY }
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFKC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}
