import fs from 'node:fs'
import path from 'node:path'
import { sourceParser, type IngestibleSource } from '@/lib/sources'

/**
 * Benchmark input for a parser: its good fixture records (envelopes expanded as the pipeline
 * expands them), repeated until `count`, each copy given a fresh native id so that none is a
 * duplicate of another. Written as NDJSON.
 */
export function writeParserBenchFile(source: IngestibleSource, count: number, file: string): number {
  const templates = fixtureRecords(source).flatMap((record) => {
    const template = idTemplate(source, record)
    return template ? [template] : []
  })
  if (templates.length === 0) throw new Error(`${source}: no fixture record to repeat`)
  const out = fs.openSync(file, 'w')
  try {
    for (let i = 0; i < count; i += 1) fs.writeSync(out, templates[i % templates.length](i) + '\n')
  } finally {
    fs.closeSync(out)
  }
  return templates.length
}

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures')

function fixtureRecords(source: IngestibleSource): unknown[] {
  const dir = path.join(FIXTURES, source)
  const parser = sourceParser(source)
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(json|ndjson)$/.test(f) && !f.includes('malformed'))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8')
      const documents = f.endsWith('.ndjson') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as unknown) : [JSON.parse(text) as unknown]
      return documents.flatMap((d) => (Array.isArray(d) ? d : (parser.expand?.(d) ?? [d])))
    })
}

/**
 * A function from copy number to record text, or null when the record is not stored as one
 * event with an id taken from one of its string fields (a reject, a skipped line).
 */
function idTemplate(source: IngestibleSource, record: unknown): ((copy: number) => string) | null {
  const ids = eventIds(source, record)
  if (ids.length !== 1) return null
  const leaf = idLeaf(record, ids[0])
  if (!leaf) return null
  // every copy of the id in the record (`_id` beside `log_id`) changes with it
  const parts = JSON.stringify(record).split(JSON.stringify(leaf))
  return (copy) => parts.join(JSON.stringify(withCounter(leaf, copy)))
}

function eventIds(source: IngestibleSource, record: unknown): string[] {
  const parsed = sourceParser(source).parse(record, JSON.stringify(record))
  if (!parsed.ok || parsed.skipped) return []
  const rows: { event_id: string }[] = [...parsed.requests, ...parsed.facts]
  return [...new Set(rows.map((r) => r.event_id))]
}

/** The longest string field, not a time, whose value is part of the event id (`id`, `log_id`, `spanId`, `metadata.uid` …). */
function idLeaf(value: unknown, eventId: string): string | null {
  let best: string | null = null
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 6 && !/^\d{4}-\d\d-\d\dT/.test(v) && eventId.toLowerCase().includes(v.toLowerCase()) && (!best || v.length > best.length)) best = v
    else if (v && typeof v === 'object') Object.values(v).forEach(walk)
  }
  walk(value)
  return best
}

/** The id with its last 8 characters replaced by the copy number, in the id's own alphabet. */
function withCounter(id: string, copy: number): string {
  const tail = id.slice(-8)
  if (/^\d{8}$/.test(tail)) return id.slice(0, -8) + String(copy).padStart(8, '0')
  if (/^[0-9a-f]{8}$/.test(tail)) return id.slice(0, -8) + copy.toString(16).padStart(8, '0')
  if (/^[0-9A-F]{8}$/.test(tail)) return id.slice(0, -8) + copy.toString(16).toUpperCase().padStart(8, '0')
  return `${id}-${copy}`
}
