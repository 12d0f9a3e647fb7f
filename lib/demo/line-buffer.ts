/**
 * One day of gateway lines, kept as bytes until the day is sorted. Holding a day's
 * million-line worth of strings instead pushed them all into V8's old generation,
 * and garbage collection took half the run.
 */
const NEWLINE = 10

export class LineBuffer {
  count = 0
  private bytes = Buffer.allocUnsafe(8 << 20)
  private used = 0
  private starts = new Uint32Array(1 << 14)
  private ends = new Uint32Array(1 << 14)
  private times = new Float64Array(1 << 14)

  add(t: number, line: string): void {
    if (this.used + line.length * 3 + 1 > this.bytes.length) this.growBytes(line.length * 3 + 1)
    if (this.count === this.times.length) this.growIndex()
    const start = this.used
    this.used += this.bytes.write(line, start, 'utf8')
    this.bytes[this.used++] = NEWLINE
    this.append(t, start, this.used)
  }

  /**
   * The lines timed before `end`, in time order (ties in insertion order), as one chunk;
   * the later ones move to `rest`. `each` sees every line taken, as a view of the chunk.
   */
  takeBefore(end: number, rest: LineBuffer, each: (line: Buffer) => void): { chunk: Buffer; lines: number } {
    const order = Uint32Array.from({ length: this.count }, (_, i) => i)
    const times = this.times
    order.sort((a, b) => times[a] - times[b] || a - b)
    let size = 0
    let taken = 0
    for (; taken < order.length && times[order[taken]] < end; taken++) size += this.ends[order[taken]] - this.starts[order[taken]]
    const chunk = Buffer.allocUnsafe(size)
    let at = 0
    for (let k = 0; k < taken; k++) {
      const i = order[k]
      at += this.bytes.copy(chunk, at, this.starts[i], this.ends[i])
      each(chunk.subarray(at - (this.ends[i] - this.starts[i]), at))
    }
    for (let k = taken; k < order.length; k++) rest.addBytes(times[order[k]], this.bytes.subarray(this.starts[order[k]], this.ends[order[k]]))
    return { chunk, lines: taken }
  }

  private addBytes(t: number, line: Buffer): void {
    if (this.used + line.length > this.bytes.length) this.growBytes(line.length)
    if (this.count === this.times.length) this.growIndex()
    const start = this.used
    this.used += line.copy(this.bytes, start)
    this.append(t, start, this.used)
  }

  private append(t: number, start: number, end: number): void {
    this.starts[this.count] = start
    this.ends[this.count] = end
    this.times[this.count] = t
    this.count++
  }

  private growBytes(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + need))
    this.bytes.copy(bigger, 0, 0, this.used)
    this.bytes = bigger
  }

  private growIndex(): void {
    const size = this.times.length * 2
    const grow = <T extends Uint32Array | Float64Array>(old: T, fresh: T): T => (fresh.set(old), fresh)
    this.starts = grow(this.starts, new Uint32Array(size))
    this.ends = grow(this.ends, new Uint32Array(size))
    this.times = grow(this.times, new Float64Array(size))
  }
}
