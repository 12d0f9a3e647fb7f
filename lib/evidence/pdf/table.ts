import { contentWidth, FONT, MARGIN, pageBottom, type PackDocument } from './document'
import { num, pageSpace, StandardFontMetrics } from './standard-font'

export type TableColumn = { header: string; weight?: number; align?: 'left' | 'right' }

// A cell's inset from its column's edges: 2 points, and at larger sizes enough that two cells' texts on one line are
// always more than 0.6 em apart. A row is one text object, and a reader joins the pieces of a text object it finds
// closer than that into one string (pdfjs: 0.6 em, with a space), which would run a right-aligned number into the next cell.
const padOf = (size: number) => Math.max(2, 0.305 * size)

/**
 * A table written row by row as its rows arrive (a population is streamed, never held):
 * every row whole on one page, the header row repeated at the top of every page it spans.
 * A page's rows reach its content stream together, when the page is full or at `end()`:
 * nothing else may draw between a table's rows.
 */
export class PackTable {
  private readonly widths: number[]
  private readonly size: number
  private readonly pad: number
  // Where each column starts (summed as the cells are laid out), and its left-aligned text's x in hundredths of a point.
  private readonly starts: number[] = []
  private readonly lefts: number[]
  // How wide each column's text may be, in the font's thousandths of its size.
  private readonly textWidths: number[]
  // Where the rule under each row starts and ends, as written.
  private readonly ruleFrom = num(MARGIN)
  private readonly ruleTo: string
  // This page's rows, written as one append when it is full (pdfkit makes a Buffer per append), and the font and
  // color its rows last set: a row sets them only when they change.
  private pending = ''
  private pendingState = ''
  // The font this table last set on the document (use()), null when it must be set again; its metrics, their
  // advance per character, its line height and its operator at the table's size, read once per font set (the
  // document's own properties are slow to look up on every row).
  private font: string | null = null
  private metrics!: StandardFontMetrics
  private advance!: (charCode: number) => number
  private lineHeight = 0
  private fontOperator = ''
  private readonly pageHeight: number

  constructor(
    private readonly doc: PackDocument,
    private readonly columns: TableColumn[],
    opts: { size?: number } = {},
  ) {
    this.size = opts.size ?? 6.5
    this.pageHeight = doc.page.height
    this.pad = padOf(this.size)
    const total = columns.reduce((n, c) => n + (c.weight ?? 1), 0)
    this.widths = columns.map((c) => ((c.weight ?? 1) / total) * contentWidth(doc))
    for (let i = 0, x = MARGIN; i < columns.length; x += this.widths[i++]) this.starts.push(x)
    this.lefts = this.starts.map((x) => Math.round((x + this.pad) * 100))
    this.ruleTo = num(MARGIN + contentWidth(doc))
    this.textWidths = this.widths.map((w) => ((w - 2 * this.pad) / this.size) * 1000)
    this.header()
  }

  row(cells: string[], opts: { bold?: boolean; color?: string } = {}): void {
    const doc = this.doc
    const font = opts.bold ? FONT.bold : FONT.regular
    this.use(font)
    const lines = this.lines(cells)
    const height = this.height(lines)
    if (doc.y + height > pageBottom(doc)) {
      this.flush()
      this.addPage()
      this.header()
      this.use(font)
    }
    const state = `${this.fontOperator} ${rgb(opts.color ?? '#000000')} rg`
    if (state !== this.pendingState) this.pending += ` ${(this.pendingState = state)}`
    this.pending += this.draw(lines, height)
  }

  end(): void {
    this.flush()
    this.doc.x = MARGIN
    this.doc.moveDown(0.5)
  }

  private flush(): void {
    if (this.pending) this.doc.addContent(this.inPageSpace(this.pending))
    this.pending = ''
    this.pendingState = ''
  }

  // Rows' operators in the unflipped page space, in a graphics state of their own, with the rules' width and color set; as latin1 bytes
  // (pdfkit would convert a string character by character).
  private inPageSpace(rows: string): Buffer {
    return Buffer.from(`q ${pageSpace(this.doc)} 0.25 w ${RULE_COLOR} RG${rows} Q\n`, 'latin1')
  }

  private header(): void {
    const doc = this.doc
    this.use(FONT.bold)
    let lines = this.lines(this.columns.map((c) => c.header))
    let height = this.height(lines)
    if (doc.y + height * 2 > pageBottom(doc)) {
      this.addPage()
      this.use(FONT.bold)
      lines = this.lines(this.columns.map((c) => c.header))
      height = this.height(lines)
    }
    doc.rect(MARGIN, doc.y, contentWidth(doc), height).fill('#e8e8e8')
    doc.fillColor('#000000')
    doc.addContent(this.inPageSpace(` ${this.fontOperator} 0 0 0 rg${this.draw(lines, height)}`))
  }

  // The font and size this table's text is measured and written in, set on the document only when it changes.
  private use(font: string): void {
    if (font === this.font) return
    this.doc.font(font).fontSize(this.size)
    this.font = font
    const metrics = (this.metrics = StandardFontMetrics.current(this.doc))
    this.advance = (charCode) => metrics.advance(charCode)
    this.lineHeight = this.doc.currentLineHeight(true)
    this.fontOperator = metrics.fontOperator(this.size)
  }

  // A new page's footer sets the document's font: the next use() sets the table's again.
  private addPage(): void {
    this.doc.addPage()
    this.font = null
  }

  // Cells are broken into lines here, measured with the font's AFM widths read once per character.
  // Most cells are one line that fits: measured in one pass over the font's widths (what wrap() would find, as its
  // running sum of the same widths never passes the column's), the rest wrapped.
  private lines(cells: string[]): string[][] {
    const metrics = this.metrics
    const advance = this.advance
    const lines: string[][] = []
    for (let i = 0; i < cells.length; i++) {
      const text = cells[i]
      if (!text) lines.push([])
      else if (text.indexOf('\n') === -1 && metrics.advances(text) <= this.textWidths[i]) lines.push([text])
      else lines.push(wrap(advance, text, this.textWidths[i]))
    }
    return lines
  }

  private height(cells: string[][]): number {
    let most = 1
    for (const lines of cells) if (lines.length > most) most = lines.length
    return most * this.lineHeight + 2 * this.pad
  }

  // The row (the rule under it and its text) as one piece of the page's content stream: the text is one text object,
  // its cells' lines line by line, each cell left to right, each moved to from the one before (Td). pdfkit's text()
  // would measure and kern each cell again, character by character, on every call.
  private draw(cells: string[][], height: number): string {
    const doc = this.doc
    const metrics = this.metrics
    const top = doc.y
    const line = this.lineHeight
    const bottom = num(this.pageHeight - top - height)
    let content = ` ${this.ruleFrom} ${bottom} m ${this.ruleTo} ${bottom} l S`
    // positions in hundredths of a point: each move is the difference of two rounded positions, so every line is placed
    // where it would be written absolutely, on any machine
    let x = 0
    let y = 0
    let text = ''
    for (let n = 0, more = true; more; n++) {
      more = false
      const baseline = Math.round((this.pageHeight - (top + this.pad + n * line) - metrics.ascent(this.size)) * 100)
      for (let i = 0; i < cells.length; i++) {
        const lines = cells[i]
        if (lines.length > n + 1) more = true
        if (lines.length <= n) continue
        const left = this.columns[i].align === 'right' ? Math.round((this.starts[i] + this.widths[i] - this.pad - metrics.widthOf(lines[n], this.size)) * 100) : this.lefts[i]
        text += ` ${(left - x) / 100} ${(baseline - y) / 100} Td ${metrics.literal(lines[n])} Tj`
        x = left
        y = baseline
      }
    }
    if (text) {
      metrics.useOn(doc)
      content += ` BT${text} ET`
    }
    doc.x = MARGIN
    doc.y = top + height
    return content
  }
}

const RULE_COLOR = '0.733 0.733 0.733'

const rgbOperands = new Map<string, string>()

/** `#rrggbb` as the PDF's `r g b` operands. */
function rgb(hex: string): string {
  let operands = rgbOperands.get(hex)
  if (operands === undefined) rgbOperands.set(hex, (operands = [1, 3, 5].map((i) => num(parseInt(hex.slice(i, i + 2), 16) / 255)).join(' ')))
  return operands
}

/**
 * `text` in lines no wider than `width` (in the units `advance` gives per UTF-16 code unit):
 * broken after a space, comma or slash where one fits, else between characters (ids and
 * hashes have no break), never dropping a character. One pass over each line's characters.
 */
export function wrap(advance: (charCode: number) => number, text: string, width: number): string[] {
  const lines: string[] = []
  if (text.indexOf('\n') === -1) wrapParagraph(advance, text, width, lines)
  else for (const paragraph of text.split('\n')) wrapParagraph(advance, paragraph, width, lines)
  return lines
}

function wrapParagraph(advance: (charCode: number) => number, paragraph: string, width: number, lines: string[]): void {
  let rest = paragraph
  for (let cut = fitting(advance, rest, width); cut.fit < rest.length && rest.length > 1; cut = fitting(advance, rest, width)) {
    const fit = cut.lastBreak > 0 ? cut.lastBreak + 1 : cut.fit
    lines.push(rest.slice(0, fit).trimEnd())
    rest = rest.slice(fit).trimStart()
  }
  lines.push(rest)
}

// The longest prefix that fits (at least one character), and the last break inside it.
function fitting(advance: (charCode: number) => number, text: string, width: number): { fit: number; lastBreak: number } {
  let used = 0
  let lastBreak = -1
  for (let i = 0; i < text.length; i++) {
    const charCode = text.charCodeAt(i)
    used += advance(charCode)
    if (used > width) return { fit: Math.max(1, i), lastBreak }
    if (charCode === 32 || charCode === 44 || charCode === 47) lastBreak = i
  }
  return { fit: text.length, lastBreak }
}
