import { describe, expect, it } from 'vitest'
import { otlpSource } from '@/lib/sources/otlp'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import type { GatewayRequestRow, ParseResult } from '@/lib/sources/types'
import { fixtureRecords } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(otlpSource, name)
const parse = (record: unknown): ParseResult => otlpSource.parse(record, JSON.stringify(record))

function requestOf(record: unknown): GatewayRequestRow {
  const result = parse(record)
  if (!result.ok || result.skipped) throw new Error(`expected a request, got ${JSON.stringify(result)}`)
  expect(result.facts).toEqual([])
  expect(result.requests).toHaveLength(1)
  return result.requests[0]
}

describe('OTLP trace exports', () => {
  const spans = records('otlp/traces.json')

  it('expands an export into one record per span, legacy instrumentationLibrarySpans included', () => {
    expect(spans).toHaveLength(6)
  })

  it('reads a tools/call span as the gateway line: start time, duration, MCP and token attributes, trace+span id', () => {
    expect(requestOf(spans[0])).toMatchObject({
      event_id: '4bf92f3577b34da6a3ce929d0e0e4736-a3ce929d0e0e4736',
      source: 'otlp',
      time: '2026-03-04T15:31:01.934Z',
      gateway: 'agentgateway',
      method: 'tools/call',
      server: 'billing',
      tool: 'query_invoices',
      request_id: 'req-8f2c',
      session_id: '9b1d2c1e',
      client_name: 'claude-code',
      src_addr: '203.0.113.24',
      http_status: 200,
      duration_ms: 184,
      outcome: 'ok',
      is_action: 1,
      auth_scheme: 'bearer',
      credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw',
      jwt_sub: '00u8danaLee4Kq2Xp5d7',
      jwt_client_id: '0oa9rptAgnt7Xk2Lq5d7',
      token_exp: '2026-03-04T16:22:41.000Z',
    })
  })

  it('reads nested attribute maps as dotted keys; initialize is plumbing, never an action', () => {
    expect(requestOf(spans[1])).toMatchObject({ method: 'initialize', is_action: 0, credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw', jwt_sub: '00u8danaLee4Kq2Xp5d7' })
  })

  it('an ERROR span status is an error outcome (still an action); a 401 a refusal', () => {
    expect(requestOf(spans[2])).toMatchObject({ outcome: 'error', is_action: 1, tool: 'delete_invoice' })
    expect(requestOf(spans[3])).toMatchObject({ outcome: 'denied', is_action: 0, http_status: 401 })
  })

  it('skips a span with no MCP attribute (an LLM route): not an MCP request', () => {
    expect(parse(spans[4])).toEqual({ ok: true, requests: [], facts: [], skipped: 'not an MCP request' })
  })

  it('reads the legacy service name, a nanosecond start time and user.email', () => {
    expect(requestOf(spans[5])).toMatchObject({ gateway: 'legacy-gw', method: 'resources/read', resource_uri: 'file:///reports/q1.pdf', time: '2026-03-04T15:50:00.000Z', user_claim: 'Dana.Lee@example.com' })
  })

  it('keeps the exported span as raw, and the same span exported twice has the same event id', () => {
    const row = requestOf(spans[0])
    expect(JSON.parse(row.raw)).toMatchObject({ span: { name: 'tools/call query_invoices' }, resource: { attributes: expect.any(Array) } })
    const again = records('otlp/collector-file.ndjson')
    expect(requestOf(again[0]).event_id).toBe(row.event_id)
  })
})

describe('OTLP log exports', () => {
  const logs = records('otlp/logs.json')

  it('reads a gateway line carried as JSON text in the body, with the line\'s own time and event id', () => {
    expect(requestOf(logs[0])).toMatchObject({ event_id: 'agw-log-1', source: 'otlp', time: '2026-03-04T16:00:00.118Z', tool: 'query_invoices', credential_id: 'AT.log1', duration_ms: 184, gateway: 'agw-prod' })
  })

  it('reads a map body; with timeUnixNano 0 the observed time is the time; the id is the hash of the record', () => {
    const row = requestOf(logs[1])
    expect(row).toMatchObject({ method: 'tools/list', time: '2026-03-04T16:01:00.000Z', jwt_sub: '00u8danaLee4Kq2Xp5d7' })
    expect(row.event_id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads attributes as the line, and never stores the raw secret a gateway logged in `token`', () => {
    const secret = 'sk-live-51HvT9qExampleSecretKey0001'
    const row = requestOf(logs[2])
    expect(row).toMatchObject({ method: 'prompts/get', prompt: 'summarize', auth_scheme: 'api_key', credential_id: secretFingerprint(secret) })
    expect(JSON.stringify(parse(logs[2]))).not.toContain(secret)
  })

  it('skips a start-up message', () => {
    expect(parse(logs[3])).toMatchObject({ ok: true, skipped: 'not an MCP request' })
  })
})

describe('OTLP records that cannot be read', () => {
  it('names the span field, the attribute, or the part of the export that is wrong', () => {
    expect(records('otlp/malformed.ndjson').map((r) => {
      const result = parse(r)
      return result.ok ? 'ok' : result.error
    })).toEqual([
      'span.traceId: required',
      'span.startTimeUnixNano: expected nanoseconds since the epoch',
      'span.startTimeUnixNano: required',
      'span attribute http.status: expected an integer',
      'span: expected a span',
      'resourceSpans.0.scopeSpans.1.spans: expected an array',
      'resourceSpans.1: expected an object',
    ])
  })

  it('refuses what is not an OTLP export or record', () => {
    expect(parse({ hello: 'world' })).toEqual({ ok: false, error: 'record: expected an OTLP/JSON trace or log export (resourceSpans or resourceLogs)' })
    expect(otlpSource.expand?.({ hello: 'world' })).toBeNull()
  })
})
