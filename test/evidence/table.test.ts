import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { contentWidth, MARGIN, packDocument, paragraph, type PackDocument } from '@/lib/evidence/pdf/document'
import { PackFile } from '@/lib/evidence/pdf/pack-file'
import { PackTable } from '@/lib/evidence/pdf/table'

const STANDARD_FONTS = path.join(process.cwd(), 'node_modules/pdfjs-dist/standard_fonts/')
const HEADERS = ['credential_id', 'identity', 'actions', 'issued_at']
const HASH = 'f3c1a9e07b5d42c8a1e6f0d3b9c2754e8a1d6f0c3b9e2a7d5c4f1e0a9b8c7d6e' // no break anywhere
const rowOf = (i: number) => [`${HASH}-${i}`, `Zoë Müller–${i}@example.com, security/agents`, String(i * 1000), new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString()]

/** A pack document drawn by `draw`, as the bytes its file holds once it is ended. */
async function drawn(draw: (doc: PackDocument) => void): Promise<Buffer> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'custody-table-')), 'table.pdf')
  const file = new PackFile(out)
  const { doc, done } = packDocument({ title: 't', subject: 's', generatedAt: new Date('2026-10-01T00:00:00Z'), footer: 'table test' }, file)
  draw(doc)
  doc.end()
  await done
  file.commit()
  const bytes = fs.readFileSync(out)
  fs.rmSync(path.dirname(out), { recursive: true })
  return bytes
}

type Item = { str: string; x: number; y: number; right: number }

/** Each page's text items, top to bottom then left to right, with where pdfjs places them. */
async function pageItems(bytes: Buffer): Promise<Item[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: STANDARD_FONTS, isEvalSupported: false }).promise
  const pages: Item[][] = []
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent()
    const items = (content.items as { str: string; transform: number[]; width: number }[])
      .filter((i) => i.str.trim())
      .map((i) => ({ str: i.str, x: i.transform[4], y: i.transform[5], right: i.transform[4] + i.width }))
    pages.push(items.sort((a, b) => b.y - a.y || a.x - b.x))
  }
  await pdf.destroy()
  return pages
}

describe('a pack table read back with pdfjs', () => {
  const rows = 160
  let pages: Item[][]
  let edges: number[]

  beforeAll(async () => {
    const columns = [{ header: HEADERS[0], weight: 1.2 }, { header: HEADERS[1], weight: 1.5 }, { header: HEADERS[2], align: 'right' as const }, { header: HEADERS[3] }]
    let width = 0
    pages = await pageItems(
      await drawn((doc) => {
        const table = new PackTable(doc, columns, { size: 8 })
        for (let i = 0; i < rows; i++) table.row(rowOf(i))
        table.end()
        width = contentWidth(doc)
      }),
    )
    const total = columns.reduce((n, c) => n + (c.weight ?? 1), 0)
    let x = MARGIN
    edges = [x, ...columns.map((c) => (x += ((c.weight ?? 1) / total) * width))]
  })

  const column = (item: Item) => edges.findIndex((e, i) => item.x >= e && item.x < edges[i + 1])
  const body = (page: Item[]) => page.filter((i) => !i.str.startsWith('table test'))

  it('spans pages and repeats the header row at the top of every page', () => {
    expect(pages.length).toBeGreaterThan(3)
    for (const page of pages) expect(body(page).slice(0, HEADERS.length).map((i) => i.str)).toEqual(HEADERS)
  })

  it('prints every cell whole, wrapped inside its column, with accents and dashes as written', () => {
    const cells = new Map<string, string[]>() // per row (by its credential's number), each column's lines in order
    for (const page of pages) {
      let row = ''
      for (const item of body(page).slice(HEADERS.length)) {
        const c = column(item)
        expect(item.right).toBeLessThanOrEqual(edges[c + 1] + 0.01)
        if (c === 0 && item.str.startsWith(HASH.slice(0, 10))) row = String(cells.size)
        const lines = cells.get(row) ?? HEADERS.map(() => '')
        lines[c] += lines[c] && c !== 0 ? ` ${item.str}` : item.str
        cells.set(row, lines)
      }
    }
    expect(cells.size).toBe(rows)
    for (const [row, lines] of cells) expect(lines).toEqual(rowOf(Number(row)))
  })

  // a reader must not run a right-aligned number into the next column's text (a row is one text object: pdfjs joins
  // its pieces less than 0.6 em apart into one string)
  it('aligns a right-aligned column on its right edge, apart from the next cell', () => {
    const numbers = pages.flatMap((p) => body(p).filter((i) => column(i) === 2 && i.str !== HEADERS[2]))
    expect(numbers.map((n) => n.str)).toEqual(Array.from({ length: rows }, (_, i) => String(i * 1000)))
    for (const n of numbers) expect(n.right).toBeCloseTo(numbers[0].right, 1)
    expect(edges[3] - numbers[0].right).toBeGreaterThanOrEqual(2)
    expect(edges[3] - numbers[0].right).toBeLessThan(3)
    for (const page of pages) {
      for (const n of body(page).filter((i) => column(i) === 2)) {
        const next = body(page).find((i) => column(i) === 3 && Math.abs(i.y - n.y) < 0.5)!
        expect(next.x - n.right).toBeGreaterThan(0.6 * 8)
      }
    }
  })
})

/** Each page's text with the name of the font pdfjs draws it in. */
async function pageFonts(bytes: Buffer): Promise<{ str: string; font: string }[][]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: STANDARD_FONTS, isEvalSupported: false }).promise
  const pages: { str: string; font: string }[][] = []
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n)
    await page.getOperatorList() // loads the page's fonts
    const items = (await page.getTextContent()).items as { str: string; fontName: string }[]
    pages.push(items.filter((i) => i.str.trim()).map((i) => ({ str: i.str, font: (page.commonObjs.get(i.fontName) as { name: string }).name })))
  }
  await pdf.destroy()
  return pages
}

describe('a table that starts at the bottom of a page', () => {
  it('moves to the next page and prints its header row there in bold, its rows in the regular font', async () => {
    const pages = await pageFonts(
      await drawn((doc) => {
        paragraph(doc, 'above the table')
        doc.y = 540 // no room for the header and a row: the footer of the page the table moves to sets its own font
        const table = new PackTable(doc, [{ header: 'alpha' }, { header: 'beta' }], { size: 8 })
        table.row(['a', 'b'])
        table.end()
      }),
    )
    expect(pages).toHaveLength(2)
    expect(pages[1].filter((i) => !i.str.startsWith('table test'))).toEqual([
      { str: 'alpha', font: 'Helvetica-Bold' },
      { str: 'beta', font: 'Helvetica-Bold' },
      { str: 'a', font: 'Helvetica' },
      { str: 'b', font: 'Helvetica' },
    ])
  })
})

describe('a character the standard fonts cannot encode', () => {
  it("prints as '?' and never as other characters' bytes", async () => {
    const [page] = await pageItems(
      await drawn((doc) => {
        const table = new PackTable(doc, [{ header: 'display_name' }, { header: 'identity' }])
        table.row(['田中 Ren', 'ren@example.com'])
        table.end()
      }),
    )
    expect(page.slice(2, 4).map((i) => i.str)).toEqual(['?? Ren', 'ren@example.com'])
  })

  it('prints the PDF string delimiters ( ) \\ and bytes above ASCII as written', async () => {
    const [page] = await pageItems(
      await drawn((doc) => {
        const table = new PackTable(doc, [{ header: 'display_name' }, { header: 'identity' }])
        table.row(['Zoë (ops) \\ agents', 'a\\b(c)@example.com'])
        table.end()
      }),
    )
    expect(page.slice(2, 4).map((i) => i.str)).toEqual(['Zoë (ops) \\ agents', 'a\\b(c)@example.com'])
  })
})
