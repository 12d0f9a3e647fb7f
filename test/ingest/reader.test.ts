import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readRecords, type RawRecord } from '@/lib/ingest/reader'

async function read(input: string | Buffer, chunkSize = 7): Promise<{ document: boolean; records: RawRecord[] }> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
  const records: RawRecord[] = []
  let document = false
  for await (const batch of readRecords(Readable.from(chunks))) {
    document = batch.document
    records.push(...batch.records)
  }
  return { document, records }
}

describe('readRecords', () => {
  it('reads NDJSON lines with their 1-based line numbers, skipping blank lines', async () => {
    const { document, records } = await read('{"a":1}\n\n{"a":"x\\ny"}\r\n{"b":[1,2]}')
    expect(document).toBe(false)
    expect(records).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":"x\\ny"}' },
      { line: 4, text: '{"b":[1,2]}' },
    ])
  })

  it('keeps a malformed NDJSON line as a record so the parser can reject it by line', async () => {
    const { records } = await read('{"a":1}\n{"a":\n{"a":3}\n')
    expect(records.map((r) => r.line)).toEqual([1, 2, 3])
    expect(records[1].text).toBe('{"a":')
  })

  it('splits one JSON array into its elements, numbered by record index', async () => {
    const { document, records } = await read('[\n  {"a": "]},["},\n  {"b": {"c": [1, {"d": 2}]}}\n]\n', 3)
    expect(document).toBe(true)
    expect(records).toEqual([
      { line: 1, text: '{"a": "]},["}' },
      { line: 2, text: '{"b": {"c": [1, {"d": 2}]}}' },
    ])
  })

  it('yields a pretty-printed page envelope whole', async () => {
    const page = JSON.stringify({ '@odata.context': 'x', value: [{ id: 1 }, { id: 2 }] }, null, 2)
    const { document, records } = await read(page, 5)
    expect(document).toBe(true)
    expect(records).toHaveLength(1)
    expect(JSON.parse(records[0].text).value).toHaveLength(2)
  })

  it('reads gzip-compressed input the same way', async () => {
    const { records } = await read(gzipSync('{"a":1}\n{"a":2}\n'), 4)
    expect(records.map((r) => r.text)).toEqual(['{"a":1}', '{"a":2}'])
  })

  it('reads an empty input as no records', async () => {
    expect((await read('')).records).toEqual([])
  })

  it('refuses a document that ends inside a value', async () => {
    await expect(read('[{"a":1},{"b":')).rejects.toThrow('document ended inside a JSON value')
  })
})
