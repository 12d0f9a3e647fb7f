import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { readRecords, type RawRecord, type ReadReject } from '@/lib/ingest/reader'

async function read(
  input: string | Buffer,
  chunkSize = 7,
  maxRecordBytes = 1 << 20,
): Promise<{ document: boolean; records: RawRecord[]; rejects: ReadReject[] }> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
  const records: RawRecord[] = []
  const rejects: ReadReject[] = []
  let document = false
  for await (const batch of readRecords(Readable.from(chunks), { maxRecordBytes })) {
    document = batch.document
    records.push(...batch.records)
    rejects.push(...batch.rejects)
  }
  return { document, records, rejects }
}

const TOO_LARGE = /^record larger than \d+ bytes/

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

  it('keeps the records before a document cut off inside a value, and rejects the rest as cut short', async () => {
    const { records, rejects } = await read('[{"a":1},{"b":')
    expect(records).toEqual([{ line: 1, text: '{"a":1}' }])
    expect(rejects).toEqual([{ line: 2, error: 'input cut short: the document ends inside a JSON value', text: '{"b":' }])
  })

  it('keeps every whole line of a gzip file cut in half, then rejects the line where it broke as cut short', async () => {
    const lines = Array.from({ length: 2800 }, (_, i) => JSON.stringify({ n: i, pad: Math.random().toString(36) }))
    const gz = gzipSync(lines.join('\n') + '\n')
    const { records, rejects } = await read(gz.subarray(0, gz.length >> 1), 4096)
    expect(records.length).toBeGreaterThan(1000)
    expect(records.map((r) => r.text)).toEqual(lines.slice(0, records.length))
    expect(rejects).toEqual([
      { line: records.length + 1, error: 'input cut short: the gzip data ends early; the last line ends mid-record', text: expect.any(String) },
    ])
    expect(lines[records.length].startsWith(rejects[0].text)).toBe(true)
  })

  it('rejects a last line without a line break as cut short when it is not whole JSON, and reads it when it is', async () => {
    const cut = await read('{"a":1}\n{"a":2}\n{"a":')
    expect(cut.records.map((r) => r.line)).toEqual([1, 2])
    expect(cut.rejects).toEqual([{ line: 3, error: 'input cut short: the last line ends mid-record', text: '{"a":' }])
    const whole = await read('{"a":1}\n{"a":2}')
    expect(whole.records.map((r) => r.line)).toEqual([1, 2])
    expect(whole.rejects).toEqual([])
  })

  it('rejects a line longer than the limit alone, without holding it, and reads the lines around it', async () => {
    const long = `{"a":"${'x'.repeat(5000)}"}`
    const multibyte = `{"a":"${'é'.repeat(60)}"}` // 68 characters, 128 bytes
    const { records, rejects } = await read(['{"a":1}', long, '{"a":2}', multibyte, '{"a":3}'].join('\n'), 7, 100)
    expect(records).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"a":2}' },
      { line: 5, text: '{"a":3}' },
    ])
    expect(rejects.map((r) => [r.line, r.error])).toEqual([
      [2, 'record larger than 100 bytes (the limit: CUSTODY_MAX_RECORD_BYTES or --max-record-bytes)'],
      [4, 'record larger than 100 bytes (the limit: CUSTODY_MAX_RECORD_BYTES or --max-record-bytes)'],
    ])
    expect(rejects[0].text.startsWith('{"a":"xxx')).toBe(true)
    expect(rejects[0].text.length).toBeLessThanOrEqual(4096)
  })

  it('rejects an array element larger than the limit alone', async () => {
    const { records, rejects } = await read(`[{"a":1}, {"big":"${'x'.repeat(500)}"}, "${'y'.repeat(500)}", {"a":2}]`, 16, 100)
    expect(records).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"a":2}' },
    ])
    expect(rejects.map((r) => [r.line, r.error])).toEqual([
      [2, expect.stringMatching(TOO_LARGE)],
      [3, expect.stringMatching(TOO_LARGE)],
    ])
  })

  it('reads a page envelope larger than the limit record by record', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ uuid: `e-${i}`, pad: 'z'.repeat(40) }))
    const graph = JSON.stringify({ '@odata.context': 'x', value: events, '@odata.nextLink': 'https://example.com/next' }, null, 2)
    // chunks of 64 characters, or one chunk holding the whole page
    for (const chunkSize of [64, graph.length]) {
      const document = await read(graph, chunkSize, 200)
      expect(document.document).toBe(true)
      expect(document.records.map((r) => JSON.parse(r.text))).toEqual(events)
      expect(document.records.map((r) => r.line)).toEqual(events.map((_, i) => i + 1))
      expect(document.rejects).toEqual([])
    }
    // an API response saved as it came, on one line: its records keep that line's number
    const hook = JSON.stringify({ eventType: 'com.okta.event_hook', data: { events: [...events, { big: 'q'.repeat(300) }] } })
    const oneLine = await read(`{"a":1}\n${hook}\n{"a":2}\n`, 64, 200)
    expect(oneLine.document).toBe(false)
    expect(oneLine.records.map((r) => JSON.parse(r.text))).toEqual([{ a: 1 }, ...events, { a: 2 }])
    expect(oneLine.records.map((r) => r.line)).toEqual([1, ...events.map(() => 2), 3])
    expect(oneLine.rejects.map((r) => [r.line, r.error])).toEqual([[2, expect.stringMatching(TOO_LARGE)]])
  })

  it('rejects a top-level object larger than the limit that is not a page', async () => {
    const { records, rejects } = await read(JSON.stringify({ a: 'x'.repeat(300), b: { c: [1, 2] } }, null, 1), 32, 100)
    expect(records).toEqual([])
    expect(rejects.map((r) => [r.line, r.error])).toEqual([[1, expect.stringMatching(TOO_LARGE)]])
  })

  it('keeps memory bounded while 256 MiB of gzip-compressed padding streams past', async () => {
    const padding = gzipSync(Buffer.alloc(16 << 20, 'x'), { level: 1 })
    const parts = [gzipSync('{"a":1}\n{"pad":"'), ...Array.from({ length: 16 }, () => padding), gzipSync('"}\n{"a":2}\n')]
    let heldBytes = 0
    const records: string[] = []
    for await (const batch of readRecords(Readable.from(parts), { maxRecordBytes: 1 << 20 })) {
      heldBytes = Math.max(heldBytes, process.memoryUsage().arrayBuffers)
      records.push(...batch.records.map((r) => r.text))
    }
    expect(records).toEqual(['{"a":1}', '{"a":2}'])
    expect(heldBytes).toBeLessThan(64 << 20)
  }, 30_000)

  it('reads a line of 64 MiB in linear time, keeping none of it', async () => {
    const started = Date.now()
    const huge = Buffer.concat([Buffer.from('{"a":1}\n{"pad":"'), Buffer.alloc(64 << 20, 'x'), Buffer.from('"}\n{"a":2}\n')])
    const { records, rejects } = await read(huge, 64 << 10)
    expect(records.map((r) => r.text)).toEqual(['{"a":1}', '{"a":2}'])
    expect(rejects.map((r) => [r.line, r.error])).toEqual([[2, expect.stringMatching(TOO_LARGE)]])
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
