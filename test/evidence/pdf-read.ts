import path from 'node:path'

const STANDARD_FONTS = path.join(process.cwd(), 'node_modules/pdfjs-dist/standard_fonts/')

type TextItem = { str: string; transform: number[] }

/**
 * A PDF read back as a person sees it: per page, the text lines top to bottom, each line's
 * pieces left to right (a table row's cells). With pdfjs-dist, the reader tests may use.
 */
export async function readPdf(bytes: Buffer): Promise<{ lines: string[][]; text: string; attachments: Record<string, Buffer>; pages: number }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl: STANDARD_FONTS, isEvalSupported: false }).promise
  const lines: string[][] = []
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent()
    const byY = new Map<number, { x: number; str: string }[]>()
    for (const item of content.items as TextItem[]) {
      if (!item.str.trim()) continue
      const y = Math.round(item.transform[5])
      byY.set(y, [...(byY.get(y) ?? []), { x: item.transform[4], str: item.str }])
    }
    for (const y of [...byY.keys()].sort((a, b) => b - a)) lines.push(byY.get(y)!.sort((a, b) => a.x - b.x).map((i) => i.str))
  }
  const found = ((await pdf.getAttachments()) ?? {}) as Record<string, { filename: string; content: Uint8Array }>
  const attachments = Object.fromEntries(Object.values(found).map((a) => [a.filename, Buffer.from(a.content)]))
  const pages = pdf.numPages
  await pdf.destroy()
  return { lines, text: lines.map((l) => l.join(' ')).join('\n'), attachments, pages }
}
