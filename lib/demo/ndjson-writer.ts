/** Writes lines through a WriteStream in ~1 MB chunks, waiting for 'drain' when the stream asks. */
import { createWriteStream, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'

const CHUNK = 1 << 20

export class NdjsonWriter {
  records = 0
  private stream: WriteStream
  private lines: string[] = []
  private size = 0
  private ready: (string | Buffer)[] = []

  constructor(path: string) {
    this.stream = createWriteStream(path, { highWaterMark: 4 * CHUNK })
  }

  add(line: string): void {
    this.lines.push(line)
    this.size += line.length + 1
    this.records++
    if (this.size >= CHUNK) this.seal()
  }

  /** Lines already encoded, each ending in a newline. */
  addBytes(chunk: Buffer, lines: number): void {
    if (this.lines.length) this.seal()
    this.ready.push(chunk)
    this.records += lines
  }

  private seal(): void {
    this.lines.push('')
    this.ready.push(this.lines.join('\n'))
    this.lines = []
    this.size = 0
  }

  /** Hands the full chunks to the stream, respecting backpressure. */
  async flush(): Promise<void> {
    for (const chunk of this.ready) {
      if (!this.stream.write(chunk)) await once(this.stream, 'drain')
    }
    this.ready = []
  }

  async close(): Promise<void> {
    if (this.lines.length) this.seal()
    await this.flush()
    this.stream.end()
    await finished(this.stream)
  }
}

export async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  const writer = new NdjsonWriter(path)
  for (const line of lines) {
    writer.add(line)
    await writer.flush()
  }
  await writer.close()
  return writer.records
}
