import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { gatewaySource } from '@/lib/sources/gateway'
import { durationMillis } from '@/lib/sources/gateway/line'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import type { GatewayRequestRow } from '@/lib/sources/types'
import { fixtureLine, fixtureLines } from './fixture-lines'

const FIXTURE = 'gateway/requests.ndjson'
const MIXED = 'gateway/mixed.ndjson'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function parseText(raw: string) {
  return gatewaySource.parse(JSON.parse(raw), raw)
}

function requestOf(raw: string): GatewayRequestRow {
  const result = parseText(raw)
  if (!result.ok) throw new Error(`expected ${raw} to parse, got ${result.error}`)
  expect(result.facts).toEqual([])
  expect(result.requests).toHaveLength(1)
  return result.requests[0]
}

function errorOf(raw: string): string {
  const result = parseText(raw)
  if (result.ok) throw new Error(`expected ${raw} to be rejected`)
  return result.error
}

/** A minimal valid line plus the given keys. */
function line(fields: Record<string, unknown>): string {
  return JSON.stringify({ time: '2026-10-03T14:22:05.118Z', 'mcp.method.name': 'tools/call', ...fields })
}

const fixtureRequest = (n: number) => requestOf(fixtureLine(FIXTURE, n).raw)

function tokenOf(n: number): string {
  const record = fixtureLine(FIXTURE, n).record as { token: string }
  return record.token.replace(/^Bearer /, '')
}

describe('gateway line: the spec example', () => {
  it('becomes exactly the row the reports read', () => {
    const { raw } = fixtureLine(FIXTURE, 1)
    expect(requestOf(raw)).toEqual({
      event_id: sha256(raw),
      source: 'gateway',
      time: '2026-10-03T14:22:05.118Z',
      gateway: 'agw-prod',
      method: 'tools/call',
      outcome: 'ok',
      is_action: 1,
      server: 'billing',
      tool: 'query_invoices',
      prompt: '',
      resource_uri: '',
      request_id: 'req-8f2c',
      session_id: '9b1d2c1e',
      protocol_version: '',
      client_name: 'claude-code',
      client_version: '2.1.4',
      src_addr: '203.0.113.24:51544',
      http_status: 200,
      duration_ms: 184,
      auth_scheme: 'bearer',
      credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2n',
      credential_type: 'oauth_access',
      jwt_iss: 'https://acme.okta.com/oauth2/aus5mcp',
      jwt_sub: '00u8danaLee4Kq2Xp5d7',
      jwt_client_id: '0oa9claudeK2Lq5d7',
      jwt_aud: '',
      token_iat: null,
      token_exp: '2026-10-04T16:22:05.000Z',
      user_claim: 'dana.lee@example.com',
      api_key_name: '',
      raw,
    } satisfies GatewayRequestRow)
  })

  it('accepts every line of the good fixture', () => {
    for (const l of fixtureLines(FIXTURE)) expect(parseText(l.raw), `line ${l.line}`).toMatchObject({ ok: true })
  })
})

describe('gateway line: agentgateway JSON access-log records as they are', () => {
  it('reads bare jti / client_id / user added through accessLog.add as the token claims', () => {
    const { raw } = fixtureLine(FIXTURE, 2)
    expect(requestOf(raw)).toMatchObject({
      time: '2026-03-04T15:31:02.118Z',
      gateway: 'default/agw',
      method: 'tools/call',
      server: 'billing',
      tool: 'query_invoices',
      src_addr: '203.0.113.24:51544',
      duration_ms: 184,
      auth_scheme: 'bearer',
      credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2nLs8dE6hJ5aG1uO3iR9kYw',
      credential_type: 'oauth_access',
      jwt_sub: '00u8danaLee4Kq2Xp5d7',
      jwt_client_id: '0oa9rptAgnt7Xk2Lq5d7',
      user_claim: 'dana.lee@example.com',
      raw,
    })
  })

  it('keeps the envelope and other unknown keys in raw, untouched', () => {
    const { raw } = fixtureLine(FIXTURE, 2)
    expect(JSON.parse(requestOf(raw).raw)).toMatchObject({ level: 'info', scope: 'request', 'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736' })
  })

  it('reads records of agentgateway before March 2026 (mcp.method, mcp.resource.name, microsecond time)', () => {
    expect(fixtureRequest(14)).toMatchObject({
      time: '2026-02-10T15:01:02.003Z',
      method: 'tools/call',
      server: 'math',
      tool: 'get_sum',
      duration_ms: 553_123,
      is_action: 1,
      auth_scheme: 'bearer',
      jwt_sub: 'test-user',
      credential_id: '',
    })
  })
})

describe('gateway line: time', () => {
  it('takes epoch milliseconds as a number', () => {
    expect(fixtureRequest(3).time).toBe('2026-10-03T14:25:00.000Z')
  })

  it('converts any RFC 3339 offset to UTC with milliseconds', () => {
    expect(fixtureRequest(4).time).toBe('2026-10-03T14:30:12.500Z')
    expect(requestOf(line({ time: '2026-10-03T07:22:05-07:00' })).time).toBe('2026-10-03T14:22:05.000Z')
    expect(requestOf(line({ time: '2026-10-03t14:22:05.1z' })).time).toBe('2026-10-03T14:22:05.100Z')
    expect(requestOf(line({ time: '2026-10-03 14:22:05.118999+00:00' })).time).toBe('2026-10-03T14:22:05.118Z')
    expect(requestOf(line({ time: '2026-01-01T00:30:00+01:00' })).time).toBe('2025-12-31T23:30:00.000Z')
  })

  it('refuses times without an offset, impossible dates, epoch seconds and out-of-range values', () => {
    const reason = 'time: expected an RFC 3339 time or epoch milliseconds'
    expect(errorOf(line({ time: '2026-10-03T14:22:05' }))).toBe(reason)
    expect(errorOf(line({ time: '2026-02-30T09:00:00Z' }))).toBe(reason)
    expect(errorOf(line({ time: '2026-10-03T24:00:00Z' }))).toBe(reason)
    expect(errorOf(line({ time: 'Sat, 03 Oct 2026 14:22:05 GMT' }))).toBe(reason)
    expect(errorOf(line({ time: true }))).toBe(reason)
    expect(errorOf(line({ time: 1791130925 }))).toBe('time: expected epoch milliseconds (this looks like seconds)')
    expect(errorOf(line({ time: 1e16 }))).toBe('time: out of range')
    expect(errorOf(line({ time: null }))).toBe('time: required')
  })
})

describe('gateway line: outcome and agent actions', () => {
  it('a 401 is a refusal, stored but not an action', () => {
    expect(fixtureRequest(4)).toMatchObject({ http_status: 401, outcome: 'denied', is_action: 0 })
  })

  it('derives the outcome from http.status when the line states none', () => {
    const outcomeOf = (status: number | undefined) => requestOf(line({ 'http.status': status })).outcome
    expect(outcomeOf(403)).toBe('denied')
    expect(outcomeOf(404)).toBe('error')
    expect(outcomeOf(429)).toBe('error')
    expect(outcomeOf(502)).toBe('error')
    expect(outcomeOf(302)).toBe('ok')
    expect(outcomeOf(200)).toBe('ok')
    expect(outcomeOf(undefined)).toBe('ok')
  })

  it('a stated outcome wins over the status', () => {
    expect(requestOf(line({ 'http.status': 200, outcome: 'denied' }))).toMatchObject({ outcome: 'denied', is_action: 0 })
    expect(requestOf(line({ 'http.status': 401, outcome: 'error' }))).toMatchObject({ outcome: 'error', is_action: 1 })
  })

  it('errors are still agent actions', () => {
    expect(fixtureRequest(7)).toMatchObject({ method: 'resources/read', outcome: 'error', is_action: 1, resource_uri: 'file:///reports/2026-q3.pdf' })
  })

  it('session plumbing (initialize, ping, notifications/*) is never an action', () => {
    expect(fixtureRequest(5)).toMatchObject({ method: 'notifications/initialized', outcome: 'ok', is_action: 0 })
    expect(fixtureRequest(6)).toMatchObject({ method: 'initialize', outcome: 'ok', is_action: 0, credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2n' })
    expect(fixtureRequest(13)).toMatchObject({ method: 'ping', is_action: 0 })
    expect(requestOf(line({ 'mcp.method.name': 'notifications/cancelled' })).is_action).toBe(0)
  })

  it('every other method is an action: tools/list, prompts/get …', () => {
    expect(fixtureRequest(8)).toMatchObject({ method: 'prompts/get', prompt: 'summarize_report', is_action: 1, duration_ms: 41.7 })
    expect(fixtureRequest(11)).toMatchObject({ method: 'tools/list', is_action: 1 })
  })
})

describe('gateway line: the credential presented', () => {
  it('an API key hash becomes sha256:<hex>, auth api_key', () => {
    expect(fixtureRequest(3)).toMatchObject({
      auth_scheme: 'api_key',
      credential_id: 'sha256:8e01d3db9b378521cba93a8bee98e95037b14760ca124942b45a4eb99f87db9a',
      credential_type: 'api_key',
      api_key_name: 'crm-sync-prod',
      request_id: '42',
      duration_ms: 1500,
    })
  })

  it('an upper-case API key hash is stored lower-case', () => {
    expect(requestOf(fixtureLine(MIXED, 11).raw).credential_id).toBe('sha256:cdf4c9f29fa14d48462c76e412aa0242d3afe4ad8e6109ae336c833c5bb2418b')
  })

  it('reads Entra-style uti and appid, and a list audience', () => {
    expect(fixtureRequest(12)).toMatchObject({
      auth_scheme: 'bearer',
      credential_id: 'u7Kq2Lx9WbR4tY0zV3pN1m',
      credential_type: 'oauth_access',
      jwt_client_id: '3f2c1b0a-9d8e-4f7a-b6c5-d4e3f2a1b0c9',
      jwt_aud: 'api://mcp-hr https://mcp.example.com/hr',
      token_iat: '2026-10-04T15:00:00.000Z',
      token_exp: '2026-10-04T16:00:00.000Z',
    })
  })

  it('token id precedence: jwt.jti, then jwt.uti, then bare jti', () => {
    expect(requestOf(line({ 'jwt.jti': 'A', 'jwt.uti': 'B', jti: 'C' })).credential_id).toBe('A')
    expect(requestOf(line({ 'jwt.uti': 'B', jti: 'C' })).credential_id).toBe('B')
    expect(requestOf(line({ jti: 'C', 'apiKey.sha256': 'a'.repeat(64) })).credential_id).toBe('C')
  })

  it('client id precedence: jwt.client_id, azp, appid, cid, bare client_id', () => {
    const clientOf = (fields: Record<string, unknown>) => requestOf(line(fields)).jwt_client_id
    expect(clientOf({ 'jwt.client_id': '1', 'jwt.azp': '2', 'jwt.appid': '3', 'jwt.cid': '4', client_id: '5' })).toBe('1')
    expect(clientOf({ 'jwt.azp': '2', 'jwt.appid': '3', 'jwt.cid': '4', client_id: '5' })).toBe('2')
    expect(clientOf({ 'jwt.appid': '3', 'jwt.cid': '4', client_id: '5' })).toBe('3')
    expect(clientOf({ 'jwt.cid': '4', client_id: '5' })).toBe('4')
    expect(clientOf({ client_id: '5' })).toBe('5')
  })

  it('no credential and no claims: auth none, credential empty, absent strings empty, absent numbers null', () => {
    expect(requestOf(line({}))).toMatchObject({
      auth_scheme: 'none',
      credential_id: '',
      credential_type: '',
      server: '',
      client_name: '',
      user_claim: '',
      http_status: null,
      duration_ms: null,
      token_iat: null,
      token_exp: null,
    })
  })

  it('infers the scheme from any jwt.* claim or apiKey.* field; a stated scheme wins', () => {
    expect(requestOf(line({ 'jwt.scope': 'invoices:read' })).auth_scheme).toBe('bearer')
    expect(requestOf(line({ client_id: '0oa1' })).auth_scheme).toBe('bearer')
    expect(requestOf(line({ 'apiKey.user': 'dana' })).auth_scheme).toBe('api_key')
    expect(requestOf(line({ 'jwt.sub': 'x', 'auth.scheme': 'none' })).auth_scheme).toBe('none')
    expect(requestOf(line({ 'jwt.sub': null, 'apiKey.name': '' })).auth_scheme).toBe('none')
  })
})

describe('gateway line: a raw secret in `token`', () => {
  it('a JWT is read as the bearer token: its claims fill what the line lacks', () => {
    const row = fixtureRequest(9)
    expect(row).toMatchObject({
      auth_scheme: 'bearer',
      credential_id: 'AT.tokenLine9Qx2Vb7Lp4',
      credential_type: 'oauth_access',
      jwt_iss: 'https://acme.okta.com/oauth2/aus5mcp',
      jwt_sub: 'dana.lee@example.com',
      jwt_client_id: '0oa9rptAgnt7Xk2Lq5d7',
      jwt_aud: 'https://mcp.example.com/billing',
      token_iat: '2026-10-04T15:22:05.000Z',
      token_exp: '2026-10-04T16:22:05.000Z',
      user_claim: 'dana.lee@example.com',
    })
  })

  it('the line’s own claims win over the token’s', () => {
    const token = tokenOf(9)
    const row = requestOf(line({ token, 'jwt.jti': 'AT.fromLine', 'jwt.sub': 'line-sub', 'jwt.exp': 1791000000 }))
    expect(row).toMatchObject({ credential_id: 'AT.fromLine', jwt_sub: 'line-sub', token_exp: '2026-10-03T04:00:00.000Z', jwt_iss: 'https://acme.okta.com/oauth2/aus5mcp' })
  })

  it('a JWT without jti is identified by its fingerprint', () => {
    expect(fixtureRequest(11)).toMatchObject({
      auth_scheme: 'bearer',
      credential_id: `sha256:${sha256(tokenOf(11))}`,
      credential_type: 'oauth_access',
      jwt_client_id: 'reporting-agent',
      jwt_sub: 'svc-reporting',
      jwt_aud: 'https://mcp.example.com/crm https://mcp.example.com/billing',
    })
  })

  it('anything else is an API key: hashed into apiKey.sha256', () => {
    const key = tokenOf(10)
    expect(fixtureRequest(10)).toMatchObject({
      auth_scheme: 'api_key',
      credential_id: `sha256:${sha256(key)}`,
      credential_type: 'api_key',
      api_key_name: 'dana-laptop',
    })
  })

  it('a three-part token whose middle is not a JSON object is an API key', () => {
    const notJwt = `abc.${Buffer.from('[1,2]').toString('base64url')}.def`
    expect(requestOf(line({ token: notJwt }))).toMatchObject({ credential_id: `sha256:${sha256(notJwt)}`, credential_type: 'api_key' })
  })

  it('stores the line without the secret (and with the key hash); the event id is the hash of the line as read', () => {
    for (const n of [9, 10, 11]) {
      const { raw, record } = fixtureLine(FIXTURE, n)
      const { token: _secret, ...rest } = record as Record<string, unknown>
      const row = fixtureRequest(n)
      const stored = JSON.parse(row.raw) as Record<string, unknown>
      expect(stored).not.toHaveProperty('token')
      expect(row.event_id).toBe(sha256(raw))
      if (n === 10) expect(stored).toEqual({ ...rest, 'apiKey.sha256': sha256(tokenOf(10)) })
      else expect(stored).toEqual(rest)
    }
  })

  it('keeps an API key hash the line already states', () => {
    const row = requestOf(line({ token: 'k-123', 'apiKey.sha256': 'b'.repeat(64) }))
    expect(row.credential_id).toBe(`sha256:${'b'.repeat(64)}`)
    expect(JSON.parse(row.raw)['apiKey.sha256']).toBe('b'.repeat(64))
  })

  it('a token with no secret in it changes nothing', () => {
    const raw = line({ token: 'Bearer ' })
    expect(requestOf(raw)).toMatchObject({ raw, auth_scheme: 'none', credential_id: '' })
  })

  it('no raw secret appears anywhere in the output', () => {
    const secrets = [9, 10, 11].map(tokenOf)
    const signatures = secrets.filter((s) => s.includes('.')).map((s) => s.split('.')[2])
    const output = JSON.stringify(fixtureLines(FIXTURE).map((l) => parseText(l.raw)))
    for (const secret of [...secrets, ...signatures]) expect(output).not.toContain(secret)
    const leaked = fixtureLine(MIXED, 16)
    expect(errorOf(leaked.raw)).toBe('mcp.method.name: required')
    expect(errorOf(leaked.raw)).not.toContain('agw_live_')
  })
})

describe('gateway line: secrets anywhere else (metrics.md, Secrets)', () => {
  const PAT = 'github_pat_11ABCDEFG0aBcDeFgHiJkL_mnopQRSTuvwxYZ0123456789abcdefghijklmnopqrstuvw'

  it('two token keys: the line is not stored as it came', () => {
    const raw = '{"time":"2026-10-03T14:22:05.118Z","mcp.method.name":"tools/call","token":"agw_live_First1secret","token":""}'
    const row = requestOf(raw)
    expect(row.raw).not.toContain('agw_live_First1secret')
    expect(row.event_id).toBe(sha256(raw))
  })

  it('request headers at any depth are kept with each secret as its fingerprint', () => {
    const row = requestOf(line({ 'rq.headers.all': { authorization: `Bearer ${PAT}`, 'x-api-key': 'k-1', accept: '*/*' }, Cookie: 'sid=9' }))
    expect(JSON.parse(row.raw)).toMatchObject({
      'rq.headers.all': { authorization: `Bearer ${secretFingerprint(PAT)}`, 'x-api-key': secretFingerprint('k-1'), accept: '*/*' },
      Cookie: secretFingerprint('sid=9'),
    })
    expect(row).toMatchObject({ auth_scheme: 'none', credential_id: '' })
  })

  it('a secret in a field Custody reads is scrubbed in its column too', () => {
    const row = requestOf(line({ 'mcp.method.name': 'resources/read', 'mcp.resource.uri': 'https://docs.example.com/p?access_token=at-123&v=2' }))
    expect(row.resource_uri).toBe(`https://docs.example.com/p?access_token=${secretFingerprint('at-123')}&v=2`)
    expect(row.raw).not.toContain('at-123')
  })

  it('a line that might hold a secret but is nested too deep to scrub is rejected, not thrown', () => {
    const raw = `{"time":"2026-10-03T14:22:05.118Z","mcp.method.name":"tools/call","token":"abc","x":${'['.repeat(5000)}${']'.repeat(5000)}}`
    expect(errorOf(raw)).toBe('record: nested more than 1000 levels deep')
  })

  it('a line that holds no secret is stored byte for byte as it came', () => {
    const raw = '{"time":"2026-10-03T14:22:05.118Z", "mcp.method.name":"tools/call", "auth.scheme":"bearer", "token_type":"Bearer"}'
    expect(requestOf(raw).raw).toBe(raw)
  })
})

describe('gateway line: other fields', () => {
  it('an event_id on the line is the event id; without one, the hash of the raw line', () => {
    expect(fixtureRequest(13).event_id).toBe('agw-edge-000000017')
    const raw = fixtureLine(FIXTURE, 8).raw
    expect(fixtureRequest(8).event_id).toBe(sha256(raw))
    expect(requestOf(line({ event_id: 17 })).event_id).toBe('17')
  })

  it('reads durations as milliseconds: numbers, "184ms", "1.5s", agentgateway "9m13.123s", µs, ns', () => {
    expect(durationMillis('184ms')).toBe(184)
    expect(durationMillis('1.5s')).toBe(1500)
    expect(durationMillis('9m13.123s')).toBe(553_123)
    expect(durationMillis('5h6m7.001s')).toBe(18_367_001)
    expect(durationMillis('12.345µs')).toBe(0.012345)
    expect(durationMillis('350ns')).toBe(0.00035)
    expect(durationMillis('0s')).toBe(0)
    expect(durationMillis('184')).toBe(184)
    expect(durationMillis('ms')).toBeNull()
    expect(durationMillis('-5ms')).toBeNull()
    expect(durationMillis('5 ms')).toBeNull()
    expect(requestOf(line({ duration: 12.5 })).duration_ms).toBe(12.5)
    expect(fixtureRequest(13).duration_ms).toBe(0)
  })
})

describe('gateway line: rejected lines name the key', () => {
  it('rejects each malformed line of the mixed fixture with its reason, and accepts its good lines', () => {
    const expected: Record<number, string> = {
      2: 'time: required',
      3: 'mcp.method.name: required',
      4: 'http.status: expected an integer',
      5: 'line is not a JSON object',
      6: 'time: expected an RFC 3339 time or epoch milliseconds',
      7: 'outcome: expected ok, error or denied',
      8: 'apiKey.sha256: expected 64 hex characters',
      9: 'duration: expected milliseconds or a duration like "184ms"',
      12: 'jwt.exp: expected epoch seconds',
      13: 'time: expected epoch milliseconds (this looks like seconds)',
      14: 'auth.scheme: expected bearer, api_key or none',
      15: 'mcp.method.name: required',
      16: 'mcp.method.name: required',
      17: 'time: expected an RFC 3339 time or epoch milliseconds',
      18: 'http.status: expected an integer',
    }
    for (const l of fixtureLines(MIXED)) {
      if (!l.json) {
        expect(l.line).toBe(10) // not JSON: the ingest reader rejects it before any parser
        continue
      }
      const result = gatewaySource.parse(l.record, l.raw)
      if (expected[l.line]) expect(result, `line ${l.line}`).toEqual({ ok: false, error: expected[l.line] })
      else expect(result, `line ${l.line}`).toMatchObject({ ok: true })
    }
  })

  it('anything but a JSON object is not a line', () => {
    for (const value of [null, 'tools/call', 42, [], true]) {
      expect(gatewaySource.parse(value, JSON.stringify(value))).toEqual({ ok: false, error: 'line is not a JSON object' })
    }
  })

  it('names the key of every typed field', () => {
    expect(errorOf(line({ 'mcp.method.name': 7 }))).toBe('mcp.method.name: expected a string')
    expect(errorOf(line({ 'http.status': 99 }))).toBe('http.status: expected an HTTP status (100-599)')
    expect(errorOf(line({ 'jwt.iat': 1791130925000 }))).toBe('jwt.iat: expected epoch seconds')
    expect(errorOf(line({ 'jwt.aud': [1] }))).toBe('jwt.aud: expected a string or an array of strings')
    expect(errorOf(line({ 'jsonrpc.request.id': { n: 1 } }))).toBe('jsonrpc.request.id: expected a string or a number')
    expect(errorOf(line({ user: 5 }))).toBe('user: expected a string')
    expect(errorOf(line({ token: 5 }))).toBe('token: expected a string')
    expect(errorOf(line({ duration: -1 }))).toBe('duration: expected milliseconds or a duration like "184ms"')
    expect(errorOf(JSON.stringify({ 'mcp.method.name': 'tools/call' }))).toBe('time: required')
  })
})

describe('gateway line: the rest of a real agentgateway log', () => {
  const LOG = 'gateway/agentgateway-log.ndjson'
  const parsed = (line: number) => {
    const { record, raw } = fixtureLine(LOG, line)
    return gatewaySource.parse(record, raw)
  }

  it('skips start-up lines, LLM routes and health checks: valid, not MCP requests, neither stored nor rejected', () => {
    for (const line of [1, 2, 7]) expect(parsed(line), `line ${line}`).toEqual({ ok: true, requests: [], facts: [], skipped: 'not an MCP request' })
  })

  it('stores a stream open (GET) and a session end (DELETE) with their session and credential, never as actions', () => {
    expect(parsed(3)).toMatchObject({ ok: true, requests: [{ method: 'GET', session_id: '9b1d2c1e', is_action: 0, credential_id: 'AT.f3K9xQ1mZc7bV0rT4yWp2n', jwt_sub: '00u8danaLee4Kq2Xp5d7' }] })
    expect(parsed(8)).toMatchObject({ ok: true, requests: [{ method: 'DELETE', session_id: '9b1d2c1e', is_action: 0, http_status: 202 }] })
    expect(errorOf(line({ 'mcp.method.name': undefined, 'mcp.session.id': 'S1', 'http.method': 'POST' }))).toBe('mcp.method.name: required')
  })

  it('reads the field names of older releases: mcp.tool (v0.9) and mcp.resource + mcp.resource.name (v0.10)', () => {
    expect(parsed(5)).toMatchObject({ ok: true, requests: [{ method: 'tools/call', tool: 'get_sum', server: 'math', is_action: 1 }] })
    expect(parsed(6)).toMatchObject({ ok: true, requests: [{ method: 'prompts/get', prompt: 'summarize', server: 'docs', is_action: 1 }] })
  })

  it('accepts or skips every line of a normal agentgateway log, rejecting none', () => {
    const results = fixtureLines(LOG).map((l) => gatewaySource.parse(l.record, l.raw))
    expect(results.map((r) => (r.ok ? (r.skipped ? 'skipped' : 'stored') : r.error))).toEqual(
      ['skipped', 'skipped', 'stored', 'stored', 'stored', 'stored', 'skipped', 'stored'],
    )
  })
})
