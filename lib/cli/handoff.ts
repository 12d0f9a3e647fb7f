import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { z } from 'zod'
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

/** `custody ingest` through the dashboard's intake: the same summary as ingesting here. */
export async function ingestThroughDashboard(handoff: Handoff, source: string, file: string): Promise<IngestSummary> {
  const summary: IngestSummary = { run_id: `through the dashboard at ${handoff.url}`, source, read: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0, rejects: [] }
  for (const chunk of posts(readAll(file))) {
    const answer = await postChunk(handoff, source, chunk.body)
    summary.read += answer.read
    summary.accepted += answer.accepted
    summary.duplicates += answer.duplicates
    summary.rejected += answer.rejected
    summary.skipped += answer.skipped ?? 0
    for (const r of answer.rejects) if (summary.rejects.length < 100) summary.rejects.push({ file, line: r.line + chunk.firstLine - 1, error: r.error })
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

function readAll(file: string): Buffer {
  const bytes = fs.readFileSync(file === '-' ? 0 : file)
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes
}

/** NDJSON in chunks of whole lines (with the line each starts at); a JSON document whole. */
function* posts(bytes: Buffer): Generator<{ body: Buffer; firstLine: number }> {
  const text = bytes.toString('utf8')
  const head = text.trimStart()
  const newline = head.indexOf('\n')
  const firstLine = newline < 0 ? head : head.slice(0, newline)
  if (head.startsWith('[') || (head.startsWith('{') && !isWholeJson(firstLine))) {
    yield { body: bytes, firstLine: 1 }
    return
  }
  const lines = text.split('\n')
  let start = 0
  while (start < lines.length) {
    let end = start
    let size = 0
    while (end < lines.length && (end === start || size + lines[end].length < CHUNK_BYTES)) size += lines[end++].length + 1
    const body = lines.slice(start, end).join('\n')
    if (body.trim() !== '') yield { body: Buffer.from(body), firstLine: start + 1 }
    start = end
  }
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
