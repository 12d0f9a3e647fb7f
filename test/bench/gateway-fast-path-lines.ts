// Writes N gateway log lines shaped like the spec example (shared/spec/gateway-log.md),
// with varied fields and ~70% carrying an event_id:  tsx test/bench/gateway-fast-path-lines.ts FILE [N]
import fs from 'node:fs'

const METHODS = ['tools/call', 'tools/call', 'tools/call', 'resources/read', 'prompts/get', 'tools/list', 'initialize', 'notifications/initialized', 'ping']
const TARGETS = ['billing', 'crm', 'docs', 'hr', 'search']
const TOOLS = ['query_invoices', 'refund_invoice', 'search_accounts', 'lookup_employee', 'list_customers']
const CLIENTS = [['claude-code', '2.1.4'], ['cursor', '1.7.0'], ['crm-sync', '0.9.1'], ['reporting-agent', '3.2.0']]
const STATUSES = [200, 200, 200, 200, 200, 202, 401, 403, 404, 500]
const USERS = ['dana.lee@example.com', 'sam.ortiz@example.com', 'kim.park@example.com', 'ali.khan@example.com']

/** A small deterministic generator, so every run writes the same file. */
export function seededRandom(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function gatewayBenchLine(i: number, next: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]
  const at = Date.UTC(2026, 9, 3, 14) + i * 37 + Math.floor(next() * 30)
  const [client, version] = pick(CLIENTS)
  const method = pick(METHODS)
  const line: Record<string, unknown> = {
    time: next() < 0.9 ? new Date(at).toISOString() : at,
    gateway: pick(['agw-prod', 'agw-edge']),
    'mcp.method.name': method,
    'mcp.target': pick(TARGETS),
  }
  if (next() < 0.7) line.event_id = `agw-${i.toString(36)}-${Math.floor(next() * 1e9).toString(36)}`
  if (method === 'tools/call') line['gen_ai.tool.name'] = pick(TOOLS)
  if (method === 'resources/read') line['mcp.resource.uri'] = `file:///reports/${i % 977}.pdf`
  line['jsonrpc.request.id'] = next() < 0.5 ? `req-${(i * 7919).toString(16)}` : i % 100_000
  line['mcp.session.id'] = `${(Math.floor(i / 50) * 2654435761 >>> 0).toString(16)}`
  line['client.name'] = client
  line['client.version'] = version
  line['src.addr'] = `203.0.113.${i % 250}:${40000 + (i % 20000)}`
  line['http.status'] = pick(STATUSES)
  line.duration = next() < 0.8 ? `${Math.floor(next() * 900)}ms` : Math.round(next() * 5000) / 10
  if (next() < 0.75) {
    line['auth.scheme'] = 'bearer'
    line['jwt.iss'] = 'https://acme.okta.com/oauth2/aus5mcp'
    line['jwt.sub'] = `00u${(i % 500).toString(36)}Xp5d7`
    line['jwt.jti'] = `AT.${(Math.floor(i / 20) * 40503 >>> 0).toString(36)}`
    line['jwt.client_id'] = `0oa9${client.replace(/\W/g, '')}`
    line['jwt.exp'] = Math.floor(at / 1000) + 3600
    line.user = pick(USERS)
  } else {
    line['apiKey.sha256'] = (BigInt(i % 40) * 0x9e3779b97f4a7c15n).toString(16).padStart(64, 'a').slice(0, 64)
    line['apiKey.name'] = `key-${i % 40}`
  }
  return JSON.stringify(line)
}

if (process.argv[1]?.endsWith('gateway-fast-path-lines.ts')) {
  const [file, n = '1000000'] = process.argv.slice(2)
  const next = seededRandom(7)
  const out = fs.openSync(file, 'w')
  let chunk: string[] = []
  for (let i = 0; i < Number(n); i++) {
    chunk.push(gatewayBenchLine(i, next))
    if (chunk.length === 10_000) {
      fs.writeSync(out, chunk.join('\n') + '\n')
      chunk = []
    }
  }
  if (chunk.length) fs.writeSync(out, chunk.join('\n') + '\n')
  fs.closeSync(out)
}
