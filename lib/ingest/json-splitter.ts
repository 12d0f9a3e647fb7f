/**
 * Splits a stream of JSON text into top-level values without parsing them, so a
 * document of any size is never held whole: a top-level array yields its
 * elements, any other value (an object, e.g. a vendor page envelope) is yielded whole.
 */
export class JsonSplitter {
  private depth = 0
  private inString = false
  private escaped = false
  private buffer = ''
  private start = -1 // index in buffer where the current value started
  private arrayAtTop = false

  /** Feeds a chunk; returns the values completed by it. */
  push(chunk: string): string[] {
    const done: string[] = []
    const base = this.buffer.length
    this.buffer += chunk
    for (let i = base; i < this.buffer.length; i++) this.step(i, done)
    this.compact()
    return done
  }

  /** Call at end of input: throws if a value is still open. */
  end(): void {
    if (this.depth !== 0 || this.inString || this.start >= 0) {
      throw new Error('document ended inside a JSON value')
    }
  }

  private step(i: number, done: string[]): void {
    const c = this.buffer.charCodeAt(i)
    if (this.inString) {
      if (this.escaped) this.escaped = false
      else if (c === 92 /* \ */) this.escaped = true
      else if (c === 34 /* " */) this.inString = false
      return
    }
    if (c === 34) {
      this.openScalarOrString(i)
      this.inString = true
      return
    }
    if (c === 123 /* { */ || c === 91 /* [ */) return this.open(i, c === 91)
    if (c === 125 /* } */ || c === 93 /* ] */) return this.close(i, done)
    if (c === 44 /* , */) return this.comma(i, done)
    if (c > 32) this.openScalarOrString(i)
  }

  private recordDepth(): number {
    return this.arrayAtTop ? 1 : 0
  }

  private open(i: number, isArray: boolean): void {
    if (this.depth === 0 && isArray && this.start < 0) {
      this.arrayAtTop = true
      this.depth = 1
      return
    }
    if (this.depth === this.recordDepth() && this.start < 0) this.start = i
    this.depth++
  }

  private close(i: number, done: string[]): void {
    if (this.arrayAtTop && this.depth === 1) {
      this.emit(i, done)
      this.arrayAtTop = false
      this.depth = 0
      return
    }
    this.depth--
    if (this.depth === this.recordDepth()) this.emit(i + 1, done)
  }

  private comma(i: number, done: string[]): void {
    if (this.depth === this.recordDepth()) this.emit(i, done)
  }

  private openScalarOrString(i: number): void {
    if (this.depth === this.recordDepth() && this.start < 0) this.start = i
  }

  private emit(endExclusive: number, done: string[]): void {
    if (this.start < 0) return
    const text = this.buffer.slice(this.start, endExclusive).trim()
    this.start = -1
    if (text.length > 0) done.push(text)
  }

  private compact(): void {
    const keepFrom = this.start >= 0 ? this.start : this.buffer.length
    if (keepFrom > 0) {
      this.buffer = this.buffer.slice(keepFrom)
      if (this.start >= 0) this.start = 0
    }
  }
}
