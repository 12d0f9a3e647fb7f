import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { decodedText, type InputDamage } from '@/lib/ingest/decode'
import { isWholeJson } from '@/lib/ingest/line-splitter'
import type { IngestSummary } from '@/lib/ingest/pipeline'
import { HANDOFF_FILE, handoffSchema, type Handoff } from '@/lib/intake/local-handoff'
import { readRecord } from '@/lib/store/lock-record'

/** The lock directory of lib/store/lock.ts; its record names the process that owns the data dir. */
const LOCK_DIR = 'custody.lock'
/** NDJSON goes in posts of whole lines up to this size, well under the intake's body limit. */
const CHUNK_BYTES = 4 << 20
const MAX_ATTEMPTS = 20

const answerSchema = z.object({
  source: z.string(),
  read: z.number(),
  accepted: z.number(),
  duplicates: z.number(),
  rejected: z.number(),
  skipped: z.number().optional(),
  rejects: z.array(z.object({ line: z.number(), error: z.string() })),
})

/**
 * The running dashboard that owns this data dir, when there is one: its handoff file names the
 * process that holds the data-dir lock now (a file left by a dashboard since gone is ignored).
 */
export function runningDashboard(dataDir: string): Handoff | null {
  let handoff: Handoff
  try {
    handoff = handoffSchema.parse(JSON.parse(fs.readFileSync(path.join(dataDir, HANDOFF_FILE), 'utf8')))
  } catch {
    return null
  }
  return readRecord(path.join(dataDir, LOCK_DIR))?.pid === handoff.pid ? handoff : null
}

/** Where the input broke off, and how many lines came before. */
type HandoffEnding = InputDamage & { lines?: number; partial?: boolean }

/** `custody ingest` through the dashboard's intake: the same summary as ingesting here. */
export async function ingestThroughDashboard(handoff: Handoff, source: string, file: string): Promise<IngestSummary> {
  const summary: IngestSummary = { run_id: `through the dashboard at ${handoff.url}`, source, read: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0, rejects: [] }
  const ending: HandoffEnding = {}
  for await (const chunk of posts(file, ending)) {
    const answer = await postChunk(handoff, source, chunk.body)
    summary.read += answer.read
    summary.accepted += answer.accepted
    summary.duplicates += answer.duplicates
    summary.rejected += answer.rejected
    summary.skipped += answer.skipped ?? 0
    for (const r of answer.rejects) if (summary.rejects.length < 100) summary.rejects.push({ file, line: r.line + chunk.firstLine - 1, error: r.error })
  }
  if (ending.damage) {
    // as the reader says it: everything before the damage went in, and the damage is one reject
    summary.read++
    summary.rejected++
    const error = `input cut short: ${ending.damage}${ending.partial ? '; the last line ends mid-record' : ''}`
    summary.rejects.push({ file, line: (ending.lines ?? 0) + 1, error })
  }
  return summary
}

/** `custody report` answered by the dashboard: the same JSON object. */
export async function reportThroughDashboard(handoff: Handoff, name: string, period: { from: Date; to: Date }): Promise<unknown> {
  const url = new URL(`/api/local/reports/${encodeURIComponent(name)}`, handoff.url)
  url.searchParams.set('from', period.from.toISOString())
  url.searchParams.set('to', period.to.toISOString())
  const res = await withRetries(() => fetch(url, { headers: { authorization: `Bearer ${handoff.token}` } }))
  if (!res.ok) throw new Error(`the running dashboard refused the report (${res.status}): ${await res.text()}`)
  return res.json()
}

/**
 * NDJSON in posts of whole lines (with the line each starts at), read as it streams so memory stays
 * at one post whatever the file's size; a JSON document (array, page envelope) in one post.
 */
async function* posts(file: string, ending: HandoffEnding): AsyncGenerator<{ body: Buffer; firstLine: number }> {
  const input = file === '-' ? process.stdin : fs.createReadStream(file, { highWaterMark: 1 << 20 })
  let pending = ''
  let document: boolean | undefined
  let nextLine = 1
  for await (const text of decodedText(input, ending)) {
    pending += text
    document ??= isDocument(pending)
    if (document) continue
    const cut = pending.lastIndexOf('\n', CHUNK_BYTES)
    if (pending.length < CHUNK_BYTES || cut < 0) continue
    yield { body: Buffer.from(pending.slice(0, cut)), firstLine: nextLine }
    nextLine += countLines(pending.slice(0, cut + 1))
    pending = pending.slice(cut + 1)
  }
  // cut short: a last line that is not whole JSON is part of the damage, as the reader has it
  const tail = pending.slice(pending.lastIndexOf('\n') + 1)
  const partial = Boolean(ending.damage) && !document && tail.trim() !== '' && !isWholeJson(tail)
  const whole = partial ? pending.slice(0, pending.length - tail.length) : pending
  if (whole.trim() !== '') yield { body: Buffer.from(whole), firstLine: nextLine }
  ending.lines = nextLine - 1 + countLines(whole) + (whole.endsWith('\n') || whole === '' ? 0 : 1)
  ending.partial = partial
}

/** As the reader decides: a first line that is not whole JSON starts a document. */
function isDocument(head: string): boolean | undefined {
  const trimmed = head.trimStart()
  if (trimmed.startsWith('[')) return true
  if (!trimmed.startsWith('{')) return trimmed.length > 0 ? false : undefined
  const newline = trimmed.indexOf('\n')
  return newline < 0 ? undefined : !isWholeJson(trimmed.slice(0, newline))
}

function countLines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

async function postChunk(handoff: Handoff, source: string, body: Buffer) {
  const url = new URL(`/api/ingest/${source}`, handoff.url)
  const res = await withRetries(() => fetch(url, { method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${handoff.token}`, 'content-type': 'application/x-ndjson' } }))
  if (!res.ok) throw new Error(`the running dashboard refused the records (${res.status}): ${await res.text()}`)
  return answerSchema.parse(await res.json())
}

/** 429 and 503 are retried after their Retry-After; a retried post is counted as duplicates, never twice. */
async function withRetries(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send()
    if ((res.status !== 429 && res.status !== 503) || attempt >= MAX_ATTEMPTS) return res
    const wait = Number(res.headers.get('retry-after') ?? 1)
    await new Promise((r) => setTimeout(r, Math.min(30, Number.isFinite(wait) ? wait : 1) * 1000))
  }
}
