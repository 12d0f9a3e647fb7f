import fs from 'node:fs'
import type { Readable } from 'node:stream'
import { decodedText, type InputDamage } from './decode'
import { JsonSplitter } from './json-splitter'
import { isWholeJson, LineSplitter } from './line-splitter'
import type { RawRecord, ReadOutput, ReadReject } from './read-output'
import { DEFAULT_MAX_RECORD_BYTES, type RecordLimits } from './record-limits'

export type { RawRecord, ReadReject } from './read-output'
/** Records read, and records the reader itself rejects (too large, or where the input broke off). */
export type RecordBatch = { document: boolean; records: RawRecord[]; rejects: ReadReject[] }

export type IngestInput = { name: string; open: () => Readable }

export function fileInput(pathOrDash: string): IngestInput {
  if (pathOrDash === '-') return { name: '-', open: () => process.stdin }
  return { name: pathOrDash, open: () => fs.createReadStream(pathOrDash, { highWaterMark: 1 << 20 }) }
}

/** A batch is handed on once it holds this many records, or this much text read. */
const BATCH_RECORDS = 2000
const BATCH_CHARS = 4 << 20

/**
 * Streams records out of NDJSON, one JSON array, or a JSON document (page envelope),
 * gzip-compressed or not. NDJSON is recognised by a first line that is a whole
 * JSON value; anything else is read as a document. Memory stays within a few chunks,
 * one batch and one record of at most `maxRecordBytes`, whatever the input's size.
 */
export async function* readRecords(
  input: Readable,
  limits: RecordLimits = { maxRecordBytes: DEFAULT_MAX_RECORD_BYTES },
): AsyncGenerator<RecordBatch> {
  const ending: InputDamage = {}
  const text = decodedText(input, ending)
  const first = await text.next()
  const out: ReadOutput = { records: [], rejects: [] }
  const document = !first.done && !looksLikeNdjson(first.value)
  const splitter = document ? new JsonSplitter(limits, out) : new LineSplitter(limits, out)
  const taken = () => {
    const batch = { document, records: out.records, rejects: out.rejects }
    out.records = []
    out.rejects = []
    return batch
  }
  let chars = 0
  for (let next = first; !next.done; next = await text.next()) {
    splitter.push(next.value)
    chars += next.value.length
    const found = out.records.length + out.rejects.length
    if (found > 0 && (out.records.length >= BATCH_RECORDS || chars >= BATCH_CHARS || out.rejects.length > 0)) {
      yield taken()
      chars = 0
    }
  }
  splitter.end(ending.damage)
  if (out.records.length > 0 || out.rejects.length > 0) yield taken()
}

function looksLikeNdjson(head: string): boolean {
  const trimmed = head.trimStart()
  if (!trimmed.startsWith('{')) return !trimmed.startsWith('[')
  const newline = trimmed.indexOf('\n')
  // a single unfinished line is a long NDJSON line; a document's first line is not whole JSON
  return newline < 0 || isWholeJson(trimmed.slice(0, newline))
}
