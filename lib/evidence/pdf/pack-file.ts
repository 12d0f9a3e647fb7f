import { createHash } from 'node:crypto'
import fs from 'node:fs'

// Large enough that a pack is a few hundred writes, small enough that a pack of any size holds only this much.
const FLUSH_BYTES = 1 << 20

/**
 * A PDF written to its file as pdfkit emits it, hashed on the way: no copy of the whole pack is
 * ever held, so a pack of tens of thousands of pages needs no more memory than one of ten. It is
 * written beside its destination and renamed onto it only once complete (`commit`), so a failed
 * export leaves no half pack where a whole one is expected.
 */
export class PackFile {
  private readonly partial: string
  private readonly fd: number
  private readonly hash = createHash('sha256')
  private pending: Uint8Array[] = []
  private pendingBytes = 0
  private written = 0

  constructor(private readonly destination: string) {
    this.partial = `${destination}.partial-${process.pid}`
    this.fd = fs.openSync(this.partial, 'w')
  }

  write(chunk: Uint8Array): void {
    this.hash.update(chunk)
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (this.pendingBytes >= FLUSH_BYTES) this.flush()
  }

  /** The file in place under its name; its SHA-256 and size. */
  commit(): { sha256: string; bytes: number } {
    this.flush()
    fs.closeSync(this.fd)
    fs.renameSync(this.partial, this.destination)
    return { sha256: this.hash.digest('hex'), bytes: this.written }
  }

  /** After a failure: nothing left behind. */
  discard(): void {
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed by commit
    }
    fs.rmSync(this.partial, { force: true })
  }

  private flush(): void {
    if (this.pendingBytes === 0) return
    const joined = Buffer.concat(this.pending, this.pendingBytes)
    for (let at = 0; at < joined.length; ) at += fs.writeSync(this.fd, joined, at)
    this.written += joined.length
    this.pending = []
    this.pendingBytes = 0
  }
}
