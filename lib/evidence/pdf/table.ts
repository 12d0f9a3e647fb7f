import { contentWidth, FONT, MARGIN, pageBottom, type PackDocument } from './document'
import { num, pageSpace, StandardFontMetrics } from './standard-font'

export type TableColumn = { header: string; weight?: number; align?: 'left' | 'right' }

const PAD = 2

/**
 * A table written row by row as its rows arrive (a population is streamed, never held):
 * every row whole on one page, the header row repeated at the top of every page it spans.
 */
export class PackTable {
  private readonly widths: number[]
  private readonly size: number

  constructor(
    private readonly doc: PackDocument,
    private readonly columns: TableColumn[],
    opts: { size?: number } = {},
  ) {
    this.size = opts.size ?? 6.5
    const total = columns.reduce((n, c) => n + (c.weight ?? 1), 0)
    this.widths = columns.map((c) => ((c.weight ?? 1) / total) * contentWidth(doc))
    this.header()
  }

  row(cells: string[], opts: { bold?: boolean; color?: string } = {}): void {
    const doc = this.doc
    doc.font(opts.bold ? FONT.bold : FONT.regular).fontSize(this.size)
    const lines = this.lines(cells)
    const height = this.height(lines)
    if (doc.y + height > pageBottom(doc)) {
      doc.addPage()
      this.header()
      doc.font(opts.bold ? FONT.bold : FONT.regular).fontSize(this.size)
    }
    this.draw(lines, height, opts.color ?? '#000000')
  }

  end(): void {
    this.doc.x = MARGIN
    this.doc.moveDown(0.5)
  }

  private header(): void {
    const doc = this.doc
    doc.font(FONT.bold).fontSize(this.size)
    const lines = this.lines(this.columns.map((c) => c.header))
    const height = this.height(lines)
    if (doc.y + height * 2 > pageBottom(doc)) doc.addPage()
    doc.rect(MARGIN, doc.y, contentWidth(doc), height).fill('#e8e8e8')
    doc.fillColor('#000000')
    this.draw(lines, height, '#000000')
  }

  // Cells are broken into lines here, measured with the font's AFM widths read once per character.
  private lines(cells: string[]): string[][] {
    const metrics = StandardFontMetrics.current(this.doc)
    const advance = (charCode: number) => metrics.advance(charCode)
    return cells.map((text, i) => (text ? wrap(advance, text, ((this.widths[i] - 2 * PAD) / this.size) * 1000) : []))
  }

  private height(cells: string[][]): number {
    return Math.max(1, ...cells.map((l) => l.length)) * this.doc.currentLineHeight(true) + 2 * PAD
  }

  // The whole row (its text and the rule under it) in one append to the page's content stream,
  // as bytes (pdfkit would convert a string character by character): pdfkit's text() measures
  // and kerns each cell again, character by character, on every call.
  private draw(cells: string[][], height: number, color: string): void {
    const doc = this.doc
    const metrics = StandardFontMetrics.current(doc)
    const top = doc.y
    const line = doc.currentLineHeight(true)
    const rule = `${num(MARGIN)} ${num(doc.page.height - top - height)} m ${num(MARGIN + contentWidth(doc))} ${num(doc.page.height - top - height)} l S`
    let content = `q ${pageSpace(doc)} 0.25 w ${RULE_COLOR} RG ${rule} ${rgb(color)} rg`
    let x = MARGIN
    for (let i = 0; i < cells.length; i++) {
      const right = this.columns[i].align === 'right'
      const lines = cells[i]
      for (let n = 0; n < lines.length; n++) {
        const left = right ? x + this.widths[i] - PAD - metrics.widthOf(lines[n], this.size) : x + PAD
        content += ` ${metrics.textObject(doc, lines[n], left, top + PAD + n * line, this.size)}`
      }
      x += this.widths[i]
    }
    doc.addContent(Buffer.from(`${content} Q\n`, 'latin1'))
    doc.x = MARGIN
    doc.y = top + height
  }
}

const RULE_COLOR = '0.733 0.733 0.733'

/** `#rrggbb` as the PDF's `r g b` operands. */
function rgb(hex: string): string {
  return [1, 3, 5].map((i) => num(parseInt(hex.slice(i, i + 2), 16) / 255)).join(' ')
}

/**
 * `text` in lines no wider than `width` (in the units `advance` gives per UTF-16 code unit):
 * broken after a space, comma or slash where one fits, else between characters (ids and
 * hashes have no break), never dropping a character. One pass over each line's characters.
 */
export function wrap(advance: (charCode: number) => number, text: string, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let rest = paragraph
    for (let cut = fitting(advance, rest, width); cut.fit < rest.length && rest.length > 1; cut = fitting(advance, rest, width)) {
      const fit = cut.lastBreak > 0 ? cut.lastBreak + 1 : cut.fit
      lines.push(rest.slice(0, fit).trimEnd())
      rest = rest.slice(fit).trimStart()
    }
    lines.push(rest)
  }
  return lines
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
