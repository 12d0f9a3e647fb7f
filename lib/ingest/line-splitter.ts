import { JsonSplitter } from './json-splitter'
import { REJECTED_HEAD_CHARS, type ReadOutput } from './read-output'
import { exceedsBytes, tooLargeError, type RecordLimits } from './record-limits'

/**
 * Splits NDJSON text into lines numbered from 1, skipping blank ones. A line is searched for
 * its end once, however many chunks it spans, and never held beyond the size limit: a
 * longer one can only be a page of records (an API response saved on one line), so it is
 * read as a document whose records keep the line's number; anything else is rejected alone.
 */
export class LineSplitter {
  private line = 0
  /** the unfinished line's parts from earlier chunks */
  private pieces: string[] = []
  private pendingChars = 0
  /** reads the line that outgrew the limit */
  private long: JsonSplitter | undefined
  private readonly longOut: ReadOutput = { records: [], rejects: [] }
  private longHead = ''

  constructor(
    private readonly limits: RecordLimits,
    private readonly out: ReadOutput,
  ) {}

  push(chunk: string): void {
    let from = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      this.line++
      if (this.pieces.length === 0 && !this.long) this.take(chunk.slice(from, nl))
      else this.finishLong(chunk.slice(from, nl))
      from = nl + 1
    }
    if (from < chunk.length) this.hold(chunk.slice(from))
  }

  /**
   * At the end of the input. A last line without a line break is a record when it is whole
   * JSON; otherwise, or when `damage` says the input broke off, the rest is one reject.
   */
  end(damage?: string): void {
    const cutShort = (why: string) => `input cut short: ${[damage, why].filter(Boolean).join('; ')}`
    const text = this.pieces.join('')
    if (this.long) {
      this.line++
      this.finishLong('')
    } else if (text.trim().length > 0) {
      this.line++
      if (!isWholeJson(text)) return this.reject(cutShort('the last line ends mid-record'), text)
      this.take(text)
    }
    if (damage) this.reject(cutShort(''), '', this.line + 1)
  }

  private take(line: string): void {
    const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line
    if (exceedsBytes(text, this.limits.maxRecordBytes)) {
      return this.reject(tooLargeError(this.limits), text.slice(0, REJECTED_HEAD_CHARS))
    }
    if (text.trim().length > 0) this.out.records.push({ line: this.line, text })
  }

  private finishLong(tail: string): void {
    const long = this.long
    if (long) {
      this.takeLong(this.line, tail)
      if (long.inside) this.reject(tooLargeError(this.limits), this.longHead)
    } else {
      this.take(this.pieces.join('') + tail)
    }
    this.pieces = []
    this.pendingChars = 0
    this.long = undefined
  }

  private hold(part: string): void {
    if (this.long) return this.takeLong(this.line + 1, part)
    this.pieces.push(part)
    this.pendingChars += part.length
    if (this.pendingChars <= this.limits.maxRecordBytes) return
    const held = this.pieces.join('')
    this.pieces = []
    this.long = new JsonSplitter(this.limits, this.longOut)
    this.longHead = held.slice(0, REJECTED_HEAD_CHARS)
    this.takeLong(this.line + 1, held)
  }

  /** Feeds the long line's reader, and hands on what it found under the line's number. */
  private takeLong(line: number, part: string): void {
    this.long?.push(part)
    for (const record of this.longOut.records) this.out.records.push({ line, text: record.text })
    for (const bad of this.longOut.rejects) this.reject(bad.error, bad.text, line)
    this.longOut.records = []
    this.longOut.rejects = []
  }

  private reject(error: string, text: string, line = this.line): void {
    this.out.rejects.push({ line, error, text })
  }
}

export function isWholeJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch (err) {
    return err instanceof RangeError // too deep to parse here: whole or not, the pipeline rejects it
  }
}
