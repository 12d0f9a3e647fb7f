import fs from 'node:fs'
import os from 'node:os'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { newDataDir, provisionToken, startDashboard, stopDashboard } from '../intake/dashboard'

// HTTP intake on loopback (issue 10): the built dashboard (`next start`) on a fresh embedded data dir.
// BENCH_INTAKE_BATCHES sets how many 1 MB posts (and OTLP exports) are timed.
const PORT = 3184
const BATCH_BYTES = 1 << 20
const SPANS_PER_EXPORT = 2_000

type Timed = { records: number; seconds: number[] }

export async function benchIntake(batches = Number(process.env.BENCH_INTAKE_BATCHES ?? 50)): Promise<string> {
  const dataDir = newDataDir('bench')
  const token = provisionToken(dataDir, 'bench', 'gateway,otlp')
  const dashboard = await startDashboard(dataDir, PORT)
  try {
    await postNdjson(dashboard.url, token, 0) // warm-up: schema, first compile of the route
    const ndjson: Timed = { records: 0, seconds: [] }
    for (let b = 1; b <= batches; b++) ndjson.records += await timed(ndjson, () => postNdjson(dashboard.url, token, b))
    const otlp: Timed = { records: 0, seconds: [] }
    const exporter = new OTLPTraceExporter({ url: `${dashboard.url}/v1/traces`, headers: { Authorization: `Bearer ${token}` }, timeoutMillis: 60_000 })
    for (let b = 0; b < batches; b++) {
      const spans = spanBatch(b)
      otlp.records += await timed(otlp, () => exportSpans(exporter, spans))
    }
    await exporter.shutdown()
    return section(batches, ndjson, otlp)
  } finally {
    await stopDashboard(dashboard)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function timed(into: Timed, run: () => Promise<number>): Promise<number> {
  const started = process.hrtime.bigint()
  const records = await run()
  into.seconds.push(Number(process.hrtime.bigint() - started) / 1e9)
  return records
}

/** About 1 MB of gateway NDJSON with ids of its own: every record is accepted. */
async function postNdjson(url: string, token: string, batch: number): Promise<number> {
  const lines: string[] = []
  let size = 0
  for (let i = 0; size < BATCH_BYTES; i++) {
    const line = JSON.stringify({
      time: new Date(Date.UTC(2026, 9, 3) + i * 1000).toISOString(),
      gateway: 'agw-bench',
      'mcp.method.name': 'tools/call',
      'mcp.target': 'billing',
      'gen_ai.tool.name': 'query_invoices',
      'mcp.session.id': `s-${batch}-${i >> 6}`,
      'jwt.sub': `00u${i % 997}`,
      user: `person${i % 997}@example.com`,
      event_id: `bench-${batch}-${i}`,
    })
    lines.push(line)
    size += line.length + 1
  }
  const res = await fetch(`${url}/api/ingest/gateway`, { method: 'POST', body: lines.join('\n'), headers: { authorization: `Bearer ${token}` } })
  const answer = (await res.json()) as { accepted: number }
  if (res.status !== 200 || answer.accepted !== lines.length) throw new Error(`intake answered ${res.status}: ${JSON.stringify(answer)}`)
  return lines.length
}

function spanBatch(batch: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'agw-bench' }), spanProcessors: [new SimpleSpanProcessor(memory)] })
  const tracer = provider.getTracer('bench')
  for (let i = 0; i < SPANS_PER_EXPORT; i++) {
    const start = new Date(Date.UTC(2026, 9, 4) + batch * SPANS_PER_EXPORT + i)
    tracer.startSpan('tools/call', { startTime: start, attributes: { 'mcp.method.name': 'tools/call', 'mcp.target': 'billing', user: `person${i % 997}@example.com` } }).end(start)
  }
  return memory.getFinishedSpans()
}

function exportSpans(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve(spans.length) : reject(r.error))))
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

function section(batches: number, ndjson: Timed, otlp: Timed): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  const ms = (s: number) => (s * 1000).toFixed(0)
  const row = (name: string, t: Timed, goal: string) => {
    const total = t.seconds.reduce((a, b) => a + b, 0)
    return `| ${name} | ${t.seconds.length} | ${fmt(t.records)} | ${fmt(t.records / total)} | ${ms(quantile(t.seconds, 0.5))} | ${ms(quantile(t.seconds, 0.99))} | ${goal} |`
  }
  const ndjsonRate = ndjson.records / ndjson.seconds.reduce((a, b) => a + b, 0)
  const p99 = quantile(ndjson.seconds, 0.99)
  return [
    '## HTTP intake (issue 10)',
    '',
    `Measured ${new Date().toISOString()} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)} at the end, ${batches} posts each (BENCH_INTAKE_BATCHES).`,
    'The built dashboard (`next start`) on a fresh embedded data dir, on 127.0.0.1; one sender, one post at a time; each post is answered only once its records are stored.',
    'NDJSON: `POST /api/ingest/gateway` of ~1 MB of gateway lines, every one new. OTLP: the official `@opentelemetry/exporter-trace-otlp-proto` exporting ' +
      `${fmt(SPANS_PER_EXPORT)} spans per request to \`/v1/traces\` (protobuf). Goal (NDJSON): ≥ 50k events/s and p99 ≤ 100 ms per 1 MB batch.`,
    '',
    '| intake | posts | records | records/s | p50 ms | p99 ms | goal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | :---: |',
    row('NDJSON 1 MB', ndjson, `${ndjsonRate >= 50_000 ? '✓' : '✗'} / ${p99 <= 0.1 ? '✓' : '✗'}`),
    row('OTLP protobuf', otlp, '—'),
    '',
  ].join('\n')
}
