/**
 * The demo's only source of randomness: mulberry32, seeded, so the same seed writes
 * byte-identical files. Never Math.random or Date.now here.
 */
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  uint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** An independent stream, so one concern's draws never shift another's. */
  fork(): Random {
    return new Random(this.uint32() ^ 0x9e3779b9)
  }

  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  between(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(options: readonly T[]): T {
    return options[this.int(options.length)]
  }

  weighted<T>(options: readonly T[], weights: readonly number[]): T {
    let total = 0
    for (const w of weights) total += w
    let r = this.next() * total
    for (let i = 0; i < options.length; i++) {
      r -= weights[i]
      if (r < 0) return options[i]
    }
    return options[options.length - 1]
  }

  /** Log-normal around `median`; sigma is the spread of its logarithm. */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next()
    const v = this.next()
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    return median * Math.exp(sigma * z)
  }

  shuffle<T>(list: T[]): T[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const swap = list[i]
      list[i] = list[j]
      list[j] = swap
    }
    return list
  }

  base64url(length: number): string {
    return this.chars(BASE64URL, length)
  }

  base62(length: number): string {
    return this.chars(BASE62, length)
  }

  hex(length: number): string {
    let out = ''
    while (out.length < length) out += this.hex8()
    return out.slice(0, length)
  }

  /** A version-4-shaped UUID (one per gateway line, so built without slicing). */
  uuid(): string {
    const b = this.uint32()
    const c = this.uint32()
    return `${this.hex8()}-${BYTE_HEX[b >>> 24]}${BYTE_HEX[(b >>> 16) & 255]}-4${BYTE_HEX[(b >>> 8) & 255]}${HEX[b & 15]}-a${BYTE_HEX[c >>> 24]}${HEX[(c >>> 16) & 15]}-${BYTE_HEX[(c >>> 8) & 255]}${BYTE_HEX[c & 255]}${this.hex8()}`
  }

  private hex8(): string {
    const v = this.uint32()
    return BYTE_HEX[v >>> 24] + BYTE_HEX[(v >>> 16) & 255] + BYTE_HEX[(v >>> 8) & 255] + BYTE_HEX[v & 255]
  }

  private chars(alphabet: string, length: number): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)]
    return out
  }
}
