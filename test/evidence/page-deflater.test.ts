import { deflateSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { PageDeflater } from '@/lib/evidence/pdf/page-deflater'

// Content-like text of uneven sizes: some under 4 KB (slices of Node's shared buffer pool), some far over.
const page = (i: number) => Buffer.from(Array.from({ length: 5 + ((i * 37) % 400) }, (_, row) => ` 38 ${540 - row} Td (row ${i}.${row}) Tj`).join(''), 'latin1')

describe('page contents deflated on a thread of their own, a batch at a time', () => {
  it('gives back each page in the order given, as the same bytes deflateSync makes on this thread', () => {
    const deflater = new PageDeflater(1)
    try {
      const pages = Array.from({ length: 203 }, (_, i) => page(i))
      const deflated: Buffer[] = []
      // taken one behind, far behind and in bursts, with batches sent whole, part-full or not at all yet
      for (let i = 0; i < pages.length; i++) {
        deflater.give(Buffer.from(pages[i]))
        if (i % 50 === 49) while (deflated.length < i) deflated.push(deflater.take())
        else if (i < 40 && i > 0 && deflated.length < i) deflated.push(deflater.take())
      }
      while (deflated.length < pages.length) deflated.push(deflater.take())
      expect(pages.some((p) => p.length < 4096) && pages.some((p) => p.length > 8192)).toBe(true)
      deflated.forEach((d, i) => {
        expect(d.equals(deflateSync(pages[i], { level: 1 })), `page ${i}`).toBe(true)
        expect(inflateSync(d).equals(pages[i])).toBe(true)
      })
    } finally {
      deflater.close()
    }
  })
})
