import fs from 'node:fs'
import { createGunzip } from 'node:zlib'
import { Readable } from 'node:stream'
import { JsonSplitter } from './json-splitter'

/** One record's exact text and where it was: the NDJSON line, or the record index in a document. */
export type RawRecord = { line: number; text: string }
export type RecordBatch = { document: boolean; records: RawRecord[] }

export type IngestInput = { name: string; open: () => Readable }

export function fileInput(pathOrDash: string): IngestInput {
  if (pathOrDash === '-') return { name: '-', open: () => process.stdin }
  return { name: pathOrDash, open: () => fs.createReadStream(pathOrDash, { highWaterMark: 1 << 20 }) }
}

/**
 * Streams records out of NDJSON, one JSON array, or a JSON document (page envelope),
 * gzip-compressed or not. NDJSON is recognised by a first line that is a whole
 * JSON value; anything else is read as a document.
 */
export async function* readRecords(input: Readable): AsyncGenerator<RecordBatch> {
  const text = await decoded(input)
  const iterator = text[Symbol.asyncIterator]()
  const first = await iterator.next()
  if (first.done) return
  const head = first.value as string
  const rest = { [Symbol.asyncIterator]: () => iterator }
  if (looksLikeNdjson(head)) {
    for await (const records of ndjsonRecords(head, rest)) yield { document: false, records }
  } else {
    for await (const records of documentRecords(head, rest)) yield { document: true, records }
  }
}

async function decoded(input: Readable): Promise<Readable> {
  const bytes = input[Symbol.asyncIterator]()
  const first = await bytes.next()
  const replay = Readable.from(
    (async function* () {
      if (first.done) return
      yield first.value as Buffer
      for (let next = await bytes.next(); !next.done; next = await bytes.next()) yield next.value as Buffer
    })(),
    { objectMode: false },
  )
  const head = first.done ? undefined : (first.value as Buffer)
  const gzipped = head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
  const out = gzipped ? replay.pipe(createGunzip()) : replay
  if (gzipped) replay.on('error', (e) => out.destroy(e))
  out.setEncoding('utf8')
  return out
}

function looksLikeNdjson(head: string): boolean {
  const trimmed = head.trimStart()
  if (!trimmed.startsWith('{')) return !trimmed.startsWith('[')
  const newline = trimmed.indexOf('\n')
  const firstLine = newline < 0 ? trimmed : trimmed.slice(0, newline)
  const splitter = new JsonSplitter()
  try {
    const values = splitter.push(firstLine)
    splitter.end()
    return values.length === 1
  } catch {
    return newline < 0 // a single unfinished line: let the document reader say so
  }
}

const BATCH = 2000

async function* ndjsonRecords(head: string, rest: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  let partial = head
  let line = 0
  let out: RawRecord[] = []
  const take = function* (chunk: string): Generator<RawRecord[]> {
    let from = 0
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      line++
      const text = chunk.charCodeAt(nl - 1) === 13 ? chunk.slice(from, nl - 1) : chunk.slice(from, nl)
      if (text.trim().length > 0) out.push({ line, text })
      from = nl + 1
      if (out.length >= BATCH) {
        yield out
        out = []
      }
    }
    partial = chunk.slice(from)
  }
  yield* take(partial)
  for await (const chunk of rest) yield* take(partial + chunk)
  if (partial.trim().length > 0) out.push({ line: line + 1, text: partial.replace(/\r$/, '') })
  if (out.length > 0) yield out
}

async function* documentRecords(head: string, rest: AsyncIterable<string>): AsyncGenerator<RawRecord[]> {
  const splitter = new JsonSplitter()
  let index = 0
  const number = (texts: string[]) => texts.map((text) => ({ line: ++index, text }))
  yield number(splitter.push(head))
  for await (const chunk of rest) {
    const done = splitter.push(chunk)
    if (done.length > 0) yield number(done)
  }
  splitter.end()
}
