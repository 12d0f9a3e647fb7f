import PDFDocument from 'pdfkit'

export type PackDocument = PDFKit.PDFDocument

export const MARGIN = 36
export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const

/**
 * A pack's PDF, byte-reproducible: the standard Helvetica fonts (nothing embedded), Info
 * dates fixed at `generated_at` (pdfkit's /ID is a hash of the Info dictionary, so it is fixed
 * too), and a footer with the page number on every page. `bytes` resolves once `end()` is called.
 */
export function packDocument(meta: { title: string; subject: string; generatedAt: Date; footer: string }): { doc: PackDocument; bytes: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    autoFirstPage: false,
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Author: 'Custody',
      Creator: 'Custody',
      Producer: 'Custody (pdfkit)',
      CreationDate: meta.generatedAt,
      ModDate: meta.generatedAt,
    },
  })
  const chunks: Buffer[] = []
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  let page = 0
  doc.on('pageAdded', () => footer(doc, `${meta.footer} · page ${++page}`))
  doc.addPage()
  return { doc, bytes }
}

// Written below the bottom margin: lifted for the footer so pdfkit does not start a new page.
function footer(doc: PackDocument, text: string) {
  const bottom = doc.page.margins.bottom
  doc.page.margins.bottom = 0
  doc.font(FONT.regular).fontSize(7).fillColor('#555555')
  doc.text(text, MARGIN, doc.page.height - MARGIN / 2 - 4, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false })
  doc.page.margins.bottom = bottom
  doc.fillColor('#000000').x = MARGIN
  doc.y = MARGIN
}

/** The y below which nothing but the footer is drawn. */
export function pageBottom(doc: PackDocument): number {
  return doc.page.height - doc.page.margins.bottom
}

export function contentWidth(doc: PackDocument): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right
}

/** Starts a new page when fewer than `height` points are left on this one. */
export function ensureSpace(doc: PackDocument, height: number): void {
  if (doc.y + height > pageBottom(doc)) doc.addPage()
}

export function heading(doc: PackDocument, text: string, size = 14): void {
  ensureSpace(doc, size * 4)
  doc.moveDown(0.6).font(FONT.bold).fontSize(size).fillColor('#000000').text(text, MARGIN, doc.y, { width: contentWidth(doc) })
  doc.moveDown(0.3)
}

export function paragraph(doc: PackDocument, text: string, opts: { font?: string; size?: number } = {}): void {
  doc.font(opts.font ?? FONT.regular).fontSize(opts.size ?? 9).fillColor('#000000').text(text, MARGIN, doc.y, { width: contentWidth(doc) })
  doc.moveDown(0.3)
}
