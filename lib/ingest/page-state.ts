import { ENVELOPE_KEYS } from './envelope'

const RECORD_ARRAY_KEYS = new Set(ENVELOPE_KEYS)

/** Inside a large top-level object: the keys leading to where we are, to find its record arrays. */
export class PageState {
  /** the last key at depth 1 (the page) and 2 (an object under it) */
  private readonly keys = ['', '', '']
  /** whether the value open at depth 2 is an object */
  private objectAt2 = false
  private keyStart = -1
  private keyHead = ''
  private lastString = ''
  sawRecordArray = false

  constructor(readonly head: string) {}

  stringOpens(depth: number, i: number): void {
    this.keyStart = depth <= 2 ? i + 1 : -1
    this.keyHead = ''
  }

  /** A string continues in the next chunk: keep its start (a key is short; a long string is no key of ours). */
  chunkEndsInString(chunk: string): void {
    if (this.keyStart < 0) return
    this.keyHead = (this.keyHead + chunk.slice(this.keyStart)).slice(0, 64)
    this.keyStart = 0
  }

  stringCloses(depth: number, chunk: string, i: number): void {
    this.lastString = this.keyStart >= 0 && depth <= 2 ? this.keyHead + chunk.slice(this.keyStart, i) : ''
    this.keyStart = -1
  }

  colon(depth: number): void {
    if (depth <= 2) this.keys[depth] = this.lastString
  }

  opens(depth: number, isArray: boolean): void {
    if (depth !== 2) return
    this.objectAt2 = !isArray
    this.keys[2] = ''
  }

  /** An array about to open at `depth` under `value`, `items`, … or an Okta event hook's `data.events` (okta.ts `expand`). */
  atRecordArray(depth: number): boolean {
    const found =
      (depth === 1 && RECORD_ARRAY_KEYS.has(this.keys[1])) ||
      (depth === 2 && this.keys[1] === 'data' && this.objectAt2 && this.keys[2] === 'events')
    if (found) this.sawRecordArray = true
    return found
  }
}
