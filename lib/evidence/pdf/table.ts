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
    const height = this.height(cells)
    if (doc.y + height > pageBottom(doc)) {
      doc.addPage()
      this.header()
      doc.font(opts.bold ? FONT.bold : FONT.regular).fontSize(this.size)
    }
    this.draw(cells, height, opts.color ?? '#000000')
  }

  end(): void {
    this.doc.x = MARGIN
    this.doc.moveDown(0.5)
  }

  private header(): void {
    const doc = this.doc
    doc.font(FONT.bold).fontSize(this.size)
    const cells = this.columns.map((c) => c.header)
    const height = this.height(cells)
    if (doc.y + height * 2 > pageBottom(doc)) doc.addPage()
    doc.rect(MARGIN, doc.y, contentWidth(doc), height).fill('#e8e8e8')
    this.draw(cells, height, '#000000')
  }

  private height(cells: string[]): number {
    const doc = this.doc
    const line = doc.currentLineHeight(true)
    let lines = line
    cells.forEach((text, i) => {
      const width = this.widths[i] - 2 * PAD
      if (text && doc.widthOfString(text) > width) lines = Math.max(lines, doc.heightOfString(text, { width }))
    })
    return lines + 2 * PAD
  }

  private draw(cells: string[], height: number, color: string): void {
    const doc = this.doc
    const top = doc.y
    let x = MARGIN
    doc.fillColor(color)
    cells.forEach((text, i) => {
      doc.text(text, x + PAD, top + PAD, { width: this.widths[i] - 2 * PAD, align: this.columns[i].align ?? 'left' })
      x += this.widths[i]
    })
    doc.moveTo(MARGIN, top + height).lineTo(MARGIN + contentWidth(doc), top + height).lineWidth(0.25).stroke('#bbbbbb')
    doc.fillColor('#000000')
    doc.x = MARGIN
    doc.y = top + height
  }
}
