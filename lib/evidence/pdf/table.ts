import { contentWidth, FONT, MARGIN, pageBottom, type PackDocument } from './document'

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
    this.draw(lines, height, '#000000')
  }

  // Cells are broken into lines here and each line drawn without pdfkit's line wrapper: a
  // quarter's populations are tens of thousands of rows, and the wrapper is most of the cost.
  private lines(cells: string[]): string[][] {
    const measure = (text: string) => this.measure(text)
    return cells.map((text, i) => (text ? wrap(measure, text, this.widths[i] - 2 * PAD) : []))
  }

  // Widths by font and text: a population repeats most of its values, and measuring is pdfkit's cost.
  private readonly measured = new Map<string, number>()
  private measure(text: string): number {
    const key = `${(this.doc as unknown as { _font: { name: string } })._font.name}\0${text}`
    let width = this.measured.get(key)
    if (width === undefined) {
      if (this.measured.size > 50_000) this.measured.clear()
      width = this.doc.widthOfString(text)
      this.measured.set(key, width)
    }
    return width
  }

  private height(cells: string[][]): number {
    return Math.max(1, ...cells.map((l) => l.length)) * this.doc.currentLineHeight(true) + 2 * PAD
  }

  private draw(cells: string[][], height: number, color: string): void {
    const doc = this.doc
    const top = doc.y
    const line = doc.currentLineHeight(true)
    let x = MARGIN
    doc.fillColor(color)
    cells.forEach((lines, i) => {
      const right = this.columns[i].align === 'right'
      lines.forEach((text, n) => {
        const width = this.measure(text)
        // textWidth: pdfkit would measure the text again (measuring is most of its cost per cell)
        const options = { lineBreak: false, textWidth: width, wordCount: 1 } as PDFKit.Mixins.TextOptions
        doc.text(text, right ? x + this.widths[i] - PAD - width : x + PAD, top + PAD + n * line, options)
      })
      x += this.widths[i]
    })
    doc.moveTo(MARGIN, top + height).lineTo(MARGIN + contentWidth(doc), top + height).lineWidth(0.25).stroke('#bbbbbb')
    doc.fillColor('#000000')
    doc.x = MARGIN
    doc.y = top + height
  }
}

/**
 * `text` in lines no wider than `width`: broken after a space, comma or slash where one fits,
 * else between characters (ids and hashes have no break), never dropping a character.
 */
export function wrap(measure: (text: string) => number, text: string, width: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.split('\n')) {
    let rest = paragraph
    while (measure(rest) > width && rest.length > 1) {
      let fit = fittingLength(measure, rest, width)
      const lastBreak = Math.max(rest.lastIndexOf(' ', fit - 1), rest.lastIndexOf(',', fit - 1), rest.lastIndexOf('/', fit - 1))
      if (lastBreak > 0) fit = lastBreak + 1
      lines.push(rest.slice(0, fit).trimEnd())
      rest = rest.slice(fit).trimStart()
    }
    lines.push(rest)
  }
  return lines
}

// The longest prefix that fits, by bisection on widthOfString (at least one character).
function fittingLength(measure: (text: string) => number, text: string, width: number): number {
  let low = 1, high = text.length
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (measure(text.slice(0, mid)) <= width) low = mid
    else high = mid - 1
  }
  return low
}
