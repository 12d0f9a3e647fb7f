import fs from 'node:fs'
import { gzipSync } from 'node:zlib'
import protobuf from 'protobufjs/light.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { POST as postLogs } from '@/app/v1/logs/route'
import { POST as postTraces } from '@/app/v1/traces/route'
import { cliActor } from '@/lib/auth/actor'
import definitions from '@/lib/intake/otlp/opentelemetry-proto.json'
import { createIngestToken } from '@/lib/intake/tokens'
import { storedRequestRows, useIntakeStore } from './store'

useIntakeStore('otlp')

let token = ''
beforeAll(async () => {
  token = (await createIngestToken(cliActor, { name: 'collector', sources: ['otlp'] })).token
})

const request = (path: string, body: BodyInit, headers: Record<string, string>) =>
  new Request(`http://127.0.0.1${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, ...headers } })

describe('OTLP/HTTP answers', () => {
  it('stores a gzipped OTLP/JSON log export and answers an empty ExportLogsServiceResponse', async () => {
    const res = await postLogs(request('/v1/logs', gzipSync(fs.readFileSync('test/fixtures/otlp/logs.json')), { 'content-type': 'application/json', 'content-encoding': 'gzip' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({})
    expect(await storedRequestRows()).toBeGreaterThan(0)
  })

  it('answers a protobuf request in protobuf, with partialSuccess counting the rejected spans', async () => {
    const root = protobuf.Root.fromJSON(definitions)
    const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest')
    const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse')
    const span = (id: string, start: string | undefined) => ({
      traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
      spanId: Buffer.from(id, 'hex'),
      name: 'tools/call',
      ...(start ? { startTimeUnixNano: start } : {}),
      attributes: [{ key: 'mcp.method.name', value: { stringValue: 'tools/call' } }],
    })
    const message = Request.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [span('eee19b7ec3c1b174', '1772638261934000000'), span('eee19b7ec3c1b175', undefined)] }] }] })
    const before = await storedRequestRows()
    const res = await postTraces(request('/v1/traces', Buffer.from(Request.encode(message).finish()), { 'content-type': 'application/x-protobuf' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-protobuf')
    const answer = Response.toObject(Response.decode(new Uint8Array(await res.arrayBuffer())), { longs: String })
    expect(answer.partialSuccess.rejectedSpans).toBe('1')
    expect(answer.partialSuccess.errorMessage).toMatch(/startTimeUnixNano: required/)
    expect(await storedRequestRows()).toBe(before + 1)
  })

  it('answers 400 for a body that is not an OTLP protobuf message, and stores nothing', async () => {
    const before = await storedRequestRows()
    const res = await postTraces(request('/v1/traces', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'content-type': 'application/x-protobuf' }))
    expect(res.status).toBe(400)
    expect((await res.json()).error).toMatch(/not a readable export/)
    expect(await storedRequestRows()).toBe(before)
  })

  it('refuses a token that may not post otlp', async () => {
    const gatewayOnly = (await createIngestToken(cliActor, { name: 'gw', sources: ['gateway'] })).token
    const res = await postTraces(new Request('http://127.0.0.1/v1/traces', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${gatewayOnly}` } }))
    expect(res.status).toBe(403)
  })
})
