import { Readable } from 'node:stream'
import { evaluateAlertsSoon } from '@/lib/alerts/evaluate'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { loadConfig } from '@/lib/config'
import { ingest, type IngestSummary } from '@/lib/ingest/pipeline'
import { summaryJson } from '@/lib/ingest/summary-json'
import { sourceParser, type IngestibleSource } from '@/lib/sources'
import { BodyTooLarge, BodyUnreadable, requestBody } from './body'
import { encodeOtlpResponse, otlpProtobufToJson, otlpResponseObject, type OtlpSignal } from './otlp/protobuf'
import { crashPoint, storeCrashPoints } from './crash-points'
import { isLocalHandoff } from './local-handoff'
import { checkIngestToken, type TokenCheck } from './tokens'

/** `custody ingest` on this data dir, handed over by the CLI with the local handoff token. */
const LOCAL_CLI: TokenCheck = { ok: true, tokenId: 'local', name: 'local-cli' }

/** Seconds a sender waits before retrying a post refused for load (429) or a store failure (503). */
const BUSY_RETRY_SECONDS = 1
const STORE_RETRY_SECONDS = 5

const state = globalThis as unknown as { __custodyIntakeInFlight?: number }

/** What the intake makes of a body, and how it answers: plain (`/api/ingest/<source>`) or OTLP/HTTP. */
type IntakeForm = {
  source: IngestibleSource
  document: (body: Buffer, request: Request) => Buffer | string
  answer: (summary: IngestSummary, request: Request) => Response
}

/** `POST /api/ingest/<source>`: answers the JSON object of `ingest --json`. */
export function receiveRecords(request: Request, source: IngestibleSource): Promise<Response> {
  return receive(request, { source, document: (body) => body, answer: (summary) => Response.json(summaryJson(summary)) })
}

/** `POST /v1/traces` and `/v1/logs`: OTLP/JSON or protobuf in, an Export*ServiceResponse out. */
export function receiveOtlp(request: Request, signal: OtlpSignal): Promise<Response> {
  return receive(request, {
    source: 'otlp',
    document: (body, req) => (isProtobuf(req) ? otlpProtobufToJson(signal, body) : body),
    answer: (summary, req) => {
      const partial = summary.rejected > 0 ? { rejected: summary.rejected, errorMessage: rejectSentence(summary) } : null
      if (!isProtobuf(req)) return Response.json(otlpResponseObject(signal, partial))
      return new Response(Buffer.from(encodeOtlpResponse(signal, partial)), { headers: { 'content-type': 'application/x-protobuf' } })
    },
  })
}

/**
 * The intake's order (intake.md): the token first (401/403, nothing read or stored), then a
 * turn (429), the whole body (413), and the records through the ingest pipeline. 200 only once
 * every batch and the run's ledger row are inserted; a store failure answers 503, and the
 * retry is safe because stored events are counted as duplicates.
 */
async function receive(request: Request, form: IntakeForm): Promise<Response> {
  const token = isLocalHandoff(request) ? LOCAL_CLI : await checkIngestToken(request.headers.get('authorization'), form.source)
  if (!token.ok) return refusal(token.status, token.error)
  const { intake, maxRecordBytes } = loadConfig()
  if ((state.__custodyIntakeInFlight ?? 0) >= intake.concurrency) return refusal(429, 'the intake is busy; retry shortly', BUSY_RETRY_SECONDS)
  state.__custodyIntakeInFlight = (state.__custodyIntakeInFlight ?? 0) + 1
  try {
    let document: Buffer | string
    try {
      const body = await requestBody(request, intake.maxBodyBytes)
      crashPoint('after-body')
      document = form.document(body, request)
    } catch (err) {
      if (err instanceof BodyTooLarge) return refusal(413, err.message)
      if (err instanceof BodyUnreadable) return refusal(400, err.message)
      return refusal(400, `the body is not a readable export: ${(err as Error).message}`)
    }
    let summary: IngestSummary
    try {
      await clickhouseReady()
      summary = await ingest(sourceParser(form.source), [{ name: `intake:${token.name}`, open: () => Readable.from([document]) }], { maxRecordBytes, onStore: storeCrashPoints() })
    } catch (err) {
      console.error(`custody: intake could not store a ${form.source} post: ${(err as Error).message}`)
      return refusal(503, 'the store could not take this post; nothing of it is lost by retrying', STORE_RETRY_SECONDS)
    }
    crashPoint('before-answer')
    // the batch is stored: evaluate the alert rules on it without holding the sender's answer
    void evaluateAlertsSoon()
    return form.answer(summary, request)
  } finally {
    state.__custodyIntakeInFlight = (state.__custodyIntakeInFlight ?? 1) - 1
  }
}

function refusal(status: number, error: string, retryAfter?: number): Response {
  return Response.json({ error }, { status, headers: retryAfter ? { 'retry-after': String(retryAfter) } : {} })
}

function isProtobuf(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-protobuf')
}

function rejectSentence(s: IngestSummary): string {
  const shown = s.rejects.slice(0, 5).map((r) => `record ${r.line}: ${r.error}`)
  return `${s.rejected} rejected: ${shown.join('; ')}${s.rejected > shown.length ? '; …' : ''}`
}
