import { PageState } from './page-state'
import { REJECTED_HEAD_CHARS, type ReadOutput } from './read-output'
import { Capture } from './record-capture'
import { exceedsBytes, tooLargeError, type RecordLimits } from './record-limits'

/**
 * Splits a stream of JSON text into records without parsing them: the elements of a
 * top-level array, or any other top-level value whole (a page envelope is expanded by the
 * pipeline). No record is held beyond the size limit: a larger array element is skipped as
 * it streams past and rejected alone, and a top-level object that outgrows the limit can
 * only be a page, so from then on the elements of its record arrays are the records.
 * The text is scanned once whatever the chunking (the first `maxRecordBytes` of a page twice).
 */
export class JsonSplitter {
  private depth = 0
  private inString = false
  private escaped = false
  /** depth at which a value is a record: 0 for a top-level value, 1 in a top-level array, -1 for none */
  private recordDepth = 0
  /** whether the record depth is inside an array whose elements are the records */
  private inRecordArray = false
  private index = 0
  private readonly capture = new Capture()
  /** set while a top-level object too large to be one record is read as a page */
  private page: PageState | undefined

  constructor(
    private readonly limits: RecordLimits,
    private readonly out: ReadOutput,
  ) {}

  push(chunk: string): void {
    this.capture.chunkStarts()
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString && !this.escaped && (i = stringStop(chunk, i)) === chunk.length) break
      this.step(chunk, i)
    }
    if (this.inString) this.skeleton?.chunkEndsInString(chunk)
    const outgrown = this.capture.chunkEnds(chunk, this.limits.maxRecordBytes)
    if (outgrown && this.recordDepth === 0 && this.depth > 0) this.readAsPage(this.capture.drop())
  }

  /** At the end of the input: `damage` says why it ended early, when it did. */
  end(damage?: string): void {
    const inside = this.inside
    if (!inside && !damage) return
    const why = [damage, inside && 'the document ends inside a JSON value'].filter(Boolean).join('; ')
    this.reject(`input cut short: ${why}`, this.capture.head())
  }

  /** Whether a value is still open: then the text so far is not whole JSON. */
  get inside(): boolean {
    return this.depth !== 0 || this.inString || this.capture.active
  }

  /** The page being read, while outside its record arrays. */
  private get skeleton(): PageState | undefined {
    return this.recordDepth < 0 ? this.page : undefined
  }

  private step(chunk: string, i: number): void {
    const c = chunk.charCodeAt(i)
    if (this.inString) {
      if (this.escaped) this.escaped = false
      else if (c === 92 /* \ */) this.escaped = true
      else if (c === 34 /* " */) this.closeString(chunk, i)
      return
    }
    if (c === 34) {
      this.startValue(i)
      this.inString = true
      this.skeleton?.stringOpens(this.depth, i)
      return
    }
    if (c === 123 /* { */ || c === 91 /* [ */) return this.open(i, c === 91)
    if (c === 125 /* } */ || c === 93 /* ] */) return this.close(chunk, i)
    if (c === 44 /* , */) return this.comma(chunk, i)
    if (c === 58 /* : */) return this.skeleton?.colon(this.depth)
    if (c > 32) this.startValue(i)
  }

  private closeString(chunk: string, i: number): void {
    this.inString = false
    this.skeleton?.stringCloses(this.depth, chunk, i)
  }

  private open(i: number, isArray: boolean): void {
    if (isArray && !this.capture.active && this.opensRecordArray()) {
      this.depth++
      this.recordDepth = this.depth
      this.inRecordArray = true
      return
    }
    this.startValue(i)
    this.depth++
    this.skeleton?.opens(this.depth, isArray)
  }

  /** A top-level array, or in a page an array under an envelope key. */
  private opensRecordArray(): boolean {
    if (this.page) return this.recordDepth < 0 && this.page.atRecordArray(this.depth)
    return this.depth === 0
  }

  private close(chunk: string, i: number): void {
    if (this.inRecordArray && this.depth === this.recordDepth) {
      this.emit(chunk, i)
      this.depth--
      this.inRecordArray = false
      this.recordDepth = this.page ? -1 : 0
    } else {
      this.depth--
      if (this.depth === this.recordDepth) this.emit(chunk, i + 1)
    }
    if (this.page && this.depth === 0) this.endPage()
  }

  private comma(chunk: string, i: number): void {
    if (this.depth === this.recordDepth) this.emit(chunk, i)
  }

  private startValue(i: number): void {
    if (this.depth === this.recordDepth && !this.capture.active) this.capture.start(i)
  }

  private emit(chunk: string, endExclusive: number): void {
    if (!this.capture.active) return
    const taken = this.capture.take(chunk, endExclusive)
    if (taken.tooLarge || exceedsBytes(taken.text, this.limits.maxRecordBytes)) {
      // a top-level object that ends in the chunk where it outgrew the limit
      if (this.recordDepth === 0 && !this.page && !taken.tooLarge && taken.text.startsWith('{')) return this.readAsPage(taken.text)
      return this.reject(tooLargeError(this.limits), taken.text.slice(0, REJECTED_HEAD_CHARS))
    }
    if (taken.text.length > 0) this.out.records.push({ line: ++this.index, text: taken.text })
  }

  private reject(error: string, text: string): void {
    this.out.rejects.push({ line: ++this.index, error, text })
  }

  /**
   * The top-level object outgrew the limit: read what is held of it again, now taking the
   * elements of its record arrays as the records; the rest of the page is not kept.
   */
  private readAsPage(held: string): void {
    this.depth = 0
    this.inString = false
    this.escaped = false
    this.recordDepth = -1
    this.page = new PageState(held.slice(0, REJECTED_HEAD_CHARS))
    this.push(held)
  }

  private endPage(): void {
    const page = this.page as PageState
    this.page = undefined
    this.recordDepth = 0
    if (!page.sawRecordArray) this.reject(tooLargeError(this.limits), page.head)
  }
}

const STRING_STOP = /["\\]/g

/** The next quote or backslash from `from` on (inside a string nothing else matters), or the chunk's end. */
function stringStop(chunk: string, from: number): number {
  STRING_STOP.lastIndex = from
  return STRING_STOP.exec(chunk)?.index ?? chunk.length
}
