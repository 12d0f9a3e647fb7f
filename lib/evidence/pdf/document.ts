import PDFDocument from 'pdfkit'
import type { PackFile } from './pack-file'
import { PageDeflater } from './page-deflater'
import { pageSpace, StandardFontMetrics } from './standard-font'

export type PackDocument = PDFKit.PDFDocument

export const MARGIN = 36
export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: 'Courier' } as const

/**
 * A pack's PDF, byte-reproducible: the standard Helvetica fonts (nothing embedded), Info
 * dates fixed at `generated_at` (pdfkit's /ID is a hash of the Info dictionary, so it is fixed
 * too), and a footer with the page number on every page. Its bytes go to `file` as they are
 * made; `done` resolves once `end()` was called. `close`: after a failure, lets the thread deflating its pages go
 * (`end()` does it otherwise).
 */
export function packDocument(meta: { title: string; subject: string; generatedAt: Date; footer: string }, file: PackFile): { doc: PackDocument; done: Promise<void>; close: () => void } {
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
  const done = new Promise<void>((resolve, reject) => {
    doc.on('data', (chunk: Uint8Array) => file.write(chunk))
    doc.on('end', resolve)
    doc.on('error', reject)
  })
  writeStringsNatively(doc)
  const deflater = deflateBeside(doc)
  let page = 0
  doc.on('pageAdded', () => footer(doc, `${meta.footer} · page ${++page}`))
  doc.addPage()
  return { doc, done, close: () => deflater.close() }
}

/** The parts of pdfkit's page content stream (a PDFReference) that its compression is chosen by. */
type ContentStream = { compress: boolean; buffer: Uint8Array[]; data: { Filter?: string }; end(): void }

// Pages drawn before a page's content is written: by then its batch is long deflated, so the drawing never waits.
const LOOKAHEAD_PAGES = 48

/**
 * Each page's content stream deflated at level 1 rather than pdfkit's default 6 (half the time for the populations'
 * thousands of pages, a file about a fifth larger), on a thread of its own while the next pages are drawn. A page's
 * content is written once LOOKAHEAD_PAGES more pages have ended (after their dictionaries and resources), the last
 * ones' once the document has ended: the same order every time, so the same bytes for the same content (no
 * dictionary, no timestamps, the same zlib).
 */
function deflateBeside(doc: PackDocument): PageDeflater {
  const deflater = new PageDeflater(1)
  const unwritten: (() => void)[] = [] // at most LOOKAHEAD_PAGES + 1
  doc.on('pageAdded', () => {
    const content = (doc.page as unknown as { content: ContentStream }).content
    const end = content.end.bind(content)
    content.compress = false
    content.end = () => {
      deflater.give(Buffer.concat(content.buffer))
      content.buffer = []
      unwritten.push(() => {
        content.buffer = [deflater.take()]
        content.data.Filter = 'FlateDecode'
        end()
      })
      if (unwritten.length > LOOKAHEAD_PAGES) unwritten.shift()!()
    }
  })
  const end = doc.end.bind(doc)
  doc.end = () => {
    try {
      end()
      // the last pages' contents: the document's last objects, then its cross-reference table
      while (unwritten.length > 0) unwritten.shift()!()
    } finally {
      deflater.close()
    }
    return doc
  }
  return deflater
}

// pdfkit writes each object's header, dictionary and stream markers as strings it turns into bytes character by
// character (~0.1 s over a quarter's thousands of pages); Node's latin1 encoding gives the same bytes (each
// character's low byte) natively.
function writeStringsNatively(doc: PackDocument) {
  const pdfkit = doc as unknown as { _write(data: string | Uint8Array): void }
  const write = pdfkit._write.bind(doc)
  pdfkit._write = (data) => write(typeof data === 'string' ? Buffer.from(`${data}\n`, 'latin1') : data)
}

// Written below the bottom margin, straight into the page's content (pdfkit's text() measures and kerns it again on every page).
function footer(doc: PackDocument, text: string) {
  const metrics = StandardFontMetrics.current(doc.font(FONT.regular))
  const size = 7
  const x = (doc.page.width - metrics.widthOf(text, size)) / 2
  doc.addContent(`q ${pageSpace(doc)} 0.333 0.333 0.333 rg ${metrics.textObject(doc, text, x, doc.page.height - MARGIN / 2 - 4, size)} Q`)
  doc.fillColor('#000000').fontSize(size).x = MARGIN
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
