import { secretFingerprint } from '../fingerprint'
import { isJsonObject } from '../record-fields'
import { millisToIso } from '../record-time'
import { flatAttributes, listOf } from './any-value'

/**
 * An OTLP span or log record read as a gateway line (gateway-log.md: "the same fields arrive
 * over OTLP … as span or log-record attributes with the same names; the span's start time
 * is `time`"), with the semantic-convention names filling the keys the line leaves out.
 */

/** Gateway-line key ← the OTel semantic-convention attribute read when the line's own key is absent. */
const SEMCONV_KEYS: Record<string, string> = {
  'http.status': 'http.response.status_code',
  'src.addr': 'client.address',
  user: 'user.email',
}

const SPAN_STATUS_ERROR = 2

export function resourceAttributes(resource: unknown): Record<string, unknown> {
  return isJsonObject(resource) ? flatAttributes(listOf(resource.attributes)) : {}
}

/** The line a span states: its attributes, start time, duration and status. */
export function spanLine(attributes: Record<string, unknown>, resource: Record<string, unknown>, span: { start: number; end?: number; error: boolean }) {
  const line = withSemconv(attributes, resource)
  line.time = millisToIso(span.start) ?? span.start
  if (line.duration == null && span.end != null && span.end >= span.start) line.duration = span.end - span.start
  if (line.outcome == null && line['http.status'] == null && span.error) line.outcome = 'error'
  return line
}

/** The line a log record carries: a JSON body (text or map) under its attributes; its own `time` first. */
export function logLine(attributes: Record<string, unknown>, body: unknown, resource: Record<string, unknown>, timeMs: number | undefined) {
  const line = withSemconv({ ...bodyFields(body), ...attributes }, resource)
  if (line.time == null && timeMs !== undefined) line.time = millisToIso(timeMs) ?? timeMs
  return line
}

export function isSpanError(status: unknown): boolean {
  return isJsonObject(status) && status.code === SPAN_STATUS_ERROR
}

/** The exported record with the raw secret a gateway may log (`token`) replaced by its fingerprint. */
export function withoutRawSecret<T>(record: T): T {
  if (!isJsonObject(record)) return record
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, k === 'attributes' ? fingerprintTokens(v) : isJsonObject(v) ? withoutRawSecret(v) : v])) as T
}

function fingerprintTokens(attributes: unknown): unknown {
  return listOf(attributes).map((entry) => {
    if (!isJsonObject(entry) || entry.key !== 'token' || !isJsonObject(entry.value) || typeof entry.value.stringValue !== 'string') return entry
    return { ...entry, value: { stringValue: secretFingerprint(entry.value.stringValue) } }
  })
}

function withSemconv(attributes: Record<string, unknown>, resource: Record<string, unknown>): Record<string, unknown> {
  const line = { ...attributes }
  for (const [key, semconv] of Object.entries(SEMCONV_KEYS)) if (line[key] == null && line[semconv] != null) line[key] = line[semconv]
  if (line.gateway == null && typeof resource['service.name'] === 'string') line.gateway = resource['service.name']
  return line
}

function bodyFields(body: unknown): Record<string, unknown> {
  if (!isJsonObject(body)) return {}
  if (isJsonObject(body.kvlistValue)) return flatAttributes(listOf(body.kvlistValue.values))
  if (typeof body.stringValue !== 'string' || !body.stringValue.trimStart().startsWith('{')) return {}
  try {
    const parsed: unknown = JSON.parse(body.stringValue)
    return isJsonObject(parsed) ? parsed : {}
  } catch {
    return {}
  }
}
