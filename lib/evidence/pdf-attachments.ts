import { inflateSync } from 'node:zlib'

/**
 * The files attached to a PDF this project wrote (pdfkit: a /Filespec naming the file and its
 * /EmbeddedFile stream, Flate-compressed), by name. Not a general PDF reader: verify needs no
 * PDF library, and a PDF that is not byte-for-byte ours already fails its SHA-256.
 * A name that appears twice, or a stream that cannot be read, is reported as unreadable.
 */
export function pdfAttachments(pdf: Buffer): Map<string, Buffer | 'unreadable'> {
  const text = pdf.toString('latin1')
  const found = new Map<string, Buffer | 'unreadable'>()
  for (const spec of text.matchAll(/\/Type \/Filespec\b[\s\S]*?endobj/g)) {
    const name = /\/F \(([^()\\]*)\)/.exec(spec[0])?.[1]
    const ref = /\/EF <<\s*\/F (\d+) 0 R/.exec(spec[0])?.[1]
    if (!name) continue
    found.set(name, found.has(name) || !ref ? 'unreadable' : streamOf(pdf, text, Number(ref)))
  }
  return found
}

function streamOf(pdf: Buffer, text: string, object: number): Buffer | 'unreadable' {
  const start = text.indexOf(`\n${object} 0 obj\n`)
  if (start < 0) return 'unreadable'
  const dict = text.slice(start, text.indexOf('stream\n', start))
  const length = /\/Length (\d+)/.exec(dict)?.[1]
  if (!length) return 'unreadable'
  const body = pdf.subarray(start + dict.length + 'stream\n'.length, start + dict.length + 'stream\n'.length + Number(length))
  try {
    return /\/Filter \/FlateDecode/.test(dict) ? inflateSync(body) : Buffer.from(body)
  } catch {
    return 'unreadable'
  }
}
