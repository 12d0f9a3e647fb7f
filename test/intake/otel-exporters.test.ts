import fs from 'node:fs'
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeClickHouse, query, sql } from '@/lib/clickhouse'
import { releaseDataDirLock } from '@/lib/store/lock'
import { newDataDir, provisionToken, startDashboard, stopDashboard, type Dashboard } from './dashboard'

// The official OpenTelemetry JS SDK and exporters, as a gateway instrumented with them sends.
const dataDir = newDataDir('otel')
let dashboard: Dashboard
let token = ''

beforeAll(async () => {
  token = provisionToken(dataDir, 'agentgateway-otel', 'otlp')
  dashboard = await startDashboard(dataDir, 3181)
}, 240_000)

afterAll(async () => {
  if (dashboard) await stopDashboard(dashboard)
  await closeClickHouse()
  releaseDataDirLock(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const resource = resourceFromAttributes({ 'service.name': 'agentgateway' })

// Made once: a retry sends the very same spans (the same trace and span ids) again.
const firstSpans = spans(0, 5)

function spans(first: number, count: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] })
  const tracer = provider.getTracer('custody-intake-test')
  for (let i = first; i < first + count; i++) {
    const start = new Date(Date.UTC(2026, 9, 3, 14, 0, i))
    const span = tracer.startSpan('tools/call', {
      startTime: start,
      attributes: { 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', 'gen_ai.tool.name': `tool-${i}`, 'mcp.session.id': 'otel-session', user: 'dana.lee@example.com' },
    })
    span.end(new Date(start.getTime() + 40))
  }
  return memory.getFinishedSpans()
}

function logRecords(count: number): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] })
  const logger = provider.getLogger('agentgateway')
  for (let i = 0; i < count; i++) {
    const line = { time: `2026-10-03T15:00:0${i}.000Z`, 'mcp.method.name': 'tools/call', event_id: `otel-log-${i}`, 'mcp.target': 'crm', user: 'dana.lee@example.com' }
    logger.emit({ body: JSON.stringify(line), timestamp: new Date(line.time) })
  }
  return memory.getFinishedLogRecords()
}

/** What the exporter reports back to the SDK: 0 is success. */
function exported<T>(exporter: { export: (items: T[], done: (r: { code: number; error?: Error }) => void) => void }, items: T[]) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(items, resolve))
}

const headers = () => ({ Authorization: `Bearer ${token}` })

describe('OTLP/HTTP with the official OpenTelemetry exporters against the running dashboard', () => {
  it('takes spans from the protobuf and the JSON trace exporters, log records from the protobuf log exporter', async () => {
    const proto = new OTLPTraceExporterProto({ url: `${dashboard.url}/v1/traces`, headers: headers() })
    expect(await exported(proto, firstSpans)).toEqual({ code: 0 })
    const json = new OTLPTraceExporterJson({ url: `${dashboard.url}/v1/traces`, headers: headers() })
    expect(await exported(json, spans(5, 3))).toEqual({ code: 0 })
    // a retry by the SDK (the same spans again) is stored once
    expect(await exported(proto, firstSpans)).toEqual({ code: 0 })
    const logs = new OTLPLogExporter({ url: `${dashboard.url}/v1/logs`, headers: headers() })
    expect(await exported(logs, logRecords(4))).toEqual({ code: 0 })
    await Promise.all([proto.shutdown(), json.shutdown(), logs.shutdown()])
  })

  it('refuses an exporter without a valid token', async () => {
    const anonymous = new OTLPTraceExporterProto({ url: `${dashboard.url}/v1/traces`, headers: { Authorization: 'Bearer cit_unknown' } })
    const result = await exported(anonymous, spans(100, 1))
    expect(result.code).toBe(1)
    expect(String(result.error)).toMatch(/401|Unauthorized/)
    await anonymous.shutdown()
  })

  it('says in partialSuccess which spans of a JSON export it rejected, and stores the rest', async () => {
    const doc = JSON.parse(fs.readFileSync('test/fixtures/otlp/traces.json', 'utf8'))
    const fixtureSpans = doc.resourceSpans[0].scopeSpans[0].spans
    delete fixtureSpans[0].startTimeUnixNano
    const res = await fetch(`${dashboard.url}/v1/traces`, { method: 'POST', body: JSON.stringify(doc), headers: { ...headers(), 'content-type': 'application/json' } })
    expect(res.status).toBe(200)
    const answer = await res.json()
    expect(answer.partialSuccess.rejectedSpans).toBe('1')
    expect(answer.partialSuccess.errorMessage).toMatch(/record 1: .*startTimeUnixNano: required/)
  })

  it('has stored every span and log record once, under the id of its trace and span', async () => {
    await stopDashboard(dashboard)
    process.env.CUSTODY_DATA_DIR = dataDir
    delete process.env.CLICKHOUSE_URL
    const rows = await query<{ tool: string; n: number; ids: number; gateway: string; user: string }>(
      sql`SELECT tool, count() AS n, uniqExact(event_id) AS ids, any(gateway) AS gateway, any(user_claim) AS user
          FROM gateway_requests WHERE source = 'otlp' AND tool LIKE 'tool-%' GROUP BY tool ORDER BY tool`,
      { tag: 'test' },
    )
    expect(rows.map((r) => r.tool)).toEqual(Array.from({ length: 8 }, (_, i) => `tool-${i}`))
    expect(rows.map((r) => [Number(r.n), Number(r.ids), r.gateway, r.user])).toEqual(rows.map(() => [1, 1, 'agentgateway', 'dana.lee@example.com']))
    const [logs] = await query<{ n: number }>(sql`SELECT count() AS n FROM gateway_requests WHERE event_id LIKE 'otel-log-%'`, { tag: 'test' })
    expect(Number(logs.n)).toBe(4)
  })
})
