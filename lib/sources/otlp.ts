/**
 * OTLP/JSON (`--source otlp`): trace exports (one gateway request per span, with the MCP
 * semantic-convention attributes and the gateway line's keys) and log exports (log records
 * whose attributes or JSON body carry a gateway line); log-formats.md §7.3, gateway-log.md.
 * An export expands into its spans and log records, so `read` counts them. The event id of a
 * span is `<trace id>-<span id>`; of a log record, its line's `event_id` or the hash of the record.
 *
 * | fact               | OTLP record                                                              |
 * | ------------------ | ------------------------------------------------------------------------ |
 * | grant              | none: OTLP carries gateway requests, not IdP events                      |
 * | revocation         | none                                                                      |
 * | trigger            | none                                                                      |
 * | gateway request    | every span or log record with `mcp.method.name` (session plumbing and    |
 * |                    | refused requests are stored and not actions, as for the gateway line)    |
 */
import { z } from 'zod'
import { gatewaySource } from './gateway'
import { flatAttributes } from './otlp/any-value'
import { exportRecords, UnreadablePart } from './otlp/export'
import { isSpanError, logLine, resourceAttributes, spanLine, withoutRawSecret } from './otlp/gateway-fields'
import { isJsonObject } from './record-fields'
import { scrubRecord } from './secrets'
import type { ParseResult, SourceParser } from './types'
import { checkedRecord } from './vendor-record'

const NANOS_REASON = 'expected nanoseconds since the epoch'

/** `"1772638261934000000"` (or a number) → epoch milliseconds; `0` and absent read as absent. */
const unixNano = z
  .union([z.string(), z.number()], { error: NANOS_REASON })
  .nullish()
  .transform((v, ctx) => {
    if (v == null || v === '' || v === 0 || v === '0') return undefined
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.trunc(v / 1e6)
    if (typeof v === 'string' && /^\d{1,30}$/.test(v)) return Number(BigInt(v) / 1_000_000n)
    ctx.issues.push({ code: 'custom', message: NANOS_REASON, input: v })
    return z.NEVER
  })

const attributes = z.array(z.unknown(), { error: 'expected a list of attributes' }).nullish()
const id = z.string({ error: 'required' }).regex(/^[0-9A-Za-z+/=_-]+$/, 'expected a hex id')

const spanRecord = z.looseObject({
  span: z.looseObject({
    traceId: id,
    spanId: id,
    startTimeUnixNano: unixNano.refine((v) => v !== undefined, 'required'),
    endTimeUnixNano: unixNano,
    attributes,
    status: z.unknown().optional(),
  }, { error: 'expected a span' }),
})

const logRecord = z.looseObject({
  logRecord: z.looseObject({
    timeUnixNano: unixNano,
    observedTimeUnixNano: unixNano,
    attributes,
    body: z.unknown().optional(),
  }, { error: 'expected a log record' }),
})

export const otlpSource: SourceParser = {
  name: 'otlp',
  table: 'gateway_requests',
  parse(record, raw) {
    if (record instanceof UnreadablePart) return { ok: false, error: record.reason }
    if (!isJsonObject(record)) return { ok: false, error: 'record: expected a JSON object' }
    if ('span' in record) return spanResult(record, raw)
    if ('logRecord' in record) return logResult(record, raw)
    return { ok: false, error: 'record: expected an OTLP/JSON trace or log export (resourceSpans or resourceLogs)' }
  },
  expand: exportRecords,
}

function spanResult(record: Record<string, unknown>, raw: string): ParseResult {
  const checked = checkedRecord(spanRecord, record)
  if (!checked.ok) return checked
  const { span } = checked.data
  const line = spanLine(flatAttributes(span.attributes ?? []), resourceAttributes(record.resource), {
    start: span.startTimeUnixNano as number,
    end: span.endTimeUnixNano,
    error: isSpanError(span.status),
  })
  line.event_id = `${span.traceId.toLowerCase()}-${span.spanId.toLowerCase()}`
  return asOtlp(gatewaySource.parse(line, raw), record, 'span attribute')
}

function logResult(record: Record<string, unknown>, raw: string): ParseResult {
  const checked = checkedRecord(logRecord, record)
  if (!checked.ok) return checked
  const { logRecord: log } = checked.data
  const line = logLine(flatAttributes(log.attributes ?? []), log.body, resourceAttributes(record.resource), log.timeUnixNano ?? log.observedTimeUnixNano)
  return asOtlp(gatewaySource.parse(line, raw), record, 'log record')
}

/** The gateway line's rows as OTLP's, stored with the exported record (secrets scrubbed) as raw. */
function asOtlp(result: ParseResult, record: Record<string, unknown>, what: string): ParseResult {
  if (!result.ok) return { ok: false, error: `${what} ${result.error}` }
  const raw = JSON.stringify(scrubRecord(withoutRawSecret(record)))
  return { ...result, requests: result.requests.map((row) => ({ ...row, source: 'otlp', raw })) }
}
