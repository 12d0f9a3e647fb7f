import { REJECTED_HEAD_CHARS } from './read-output'

/** The text of the record being read, across chunks: slices of earlier chunks, and where it starts in this one. */
export class Capture {
  private pieces: string[] = []
  private pendingChars = 0
  private startInChunk = -1
  private skipping = false
  private skippedHead = ''
  active = false

  chunkStarts(): void {
    if (this.active) this.startInChunk = 0
  }

  start(i: number): void {
    this.active = true
    this.startInChunk = i
  }

  /** Keeps the unfinished record's part of this chunk; true once it is larger than `max` characters. */
  chunkEnds(chunk: string, max: number): boolean {
    if (!this.active || this.skipping) return false
    const rest = chunk.slice(this.startInChunk)
    this.pieces.push(rest)
    this.pendingChars += rest.length
    if (this.pendingChars <= max) return false
    this.skippedHead = this.pieces.join('').slice(0, REJECTED_HEAD_CHARS)
    this.skipping = true
    return true
  }

  take(chunk: string, endExclusive: number): { text: string; tooLarge: boolean } {
    const tooLarge = this.skipping
    const text = tooLarge
      ? this.skippedHead
      : this.pieces.length > 0
        ? this.pieces.join('') + chunk.slice(0, endExclusive)
        : chunk.slice(this.startInChunk, endExclusive)
    this.reset()
    return { text: tooLarge ? text : text.trim(), tooLarge }
  }

  /** Everything held of the unfinished record (before the chunk that outgrew the limit was dropped). */
  drop(): string {
    const held = this.pieces.join('')
    this.reset()
    return held
  }

  head(): string {
    return this.skipping ? this.skippedHead : this.pieces.join('').slice(0, REJECTED_HEAD_CHARS)
  }

  private reset(): void {
    this.pieces = []
    this.pendingChars = 0
    this.startInChunk = -1
    this.skipping = false
    this.skippedHead = ''
    this.active = false
  }
}
