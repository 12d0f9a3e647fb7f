import { z } from 'zod'
import { optionalId, optionalSha256, optionalText, requiredText, requiredTime } from '../record-fields'
import { epochSecondsToIso } from '../record-time'

/**
 * The gateway log line (shared/spec/gateway-log.md): flat dotted keys, OTel MCP/GenAI
 * names plus agentgateway's access-log keys. Unknown keys are allowed and kept in raw.
 */

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, μs: 1e-3, ns: 1e-6 }
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|us|µs|μs|ns|h|m|s)/y

/** `"184ms"`, `"1.5s"`, Go/agentgateway style `"9m13.123s"`, `"12.3µs"`; a bare number is milliseconds. */
export function durationMillis(text: string): number | null {
  const t = text.trim()
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t)
  if (!t) return null
  let total = 0
  for (let at = 0; at < t.length; at = DURATION_PART.lastIndex) {
    DURATION_PART.lastIndex = at
    const part = DURATION_PART.exec(t)
    if (!part) return null
    total += Number(part[1]) * UNIT_MS[part[2]]
  }
  return Math.round(total * 1e6) / 1e6
}

const DURATION_REASON = 'expected milliseconds or a duration like "184ms"'

function durationOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null
  return typeof value === 'string' ? durationMillis(value) : null
}

const duration = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    if (v == null || v === '') return undefined
    const ms = durationOf(v)
    if (ms !== null) return ms
    ctx.issues.push({ code: 'custom', message: DURATION_REASON, input: v })
    return z.NEVER
  })

const httpStatus = z
  .number({ error: 'expected an integer' })
  .int({ error: 'expected an integer' })
  .min(100, { error: 'expected an HTTP status (100-599)' })
  .max(599, { error: 'expected an HTTP status (100-599)' })
  .nullish()

const epochSeconds = z
  .number({ error: 'expected epoch seconds' })
  .nullish()
  .transform((v, ctx) => {
    if (v == null) return undefined
    const iso = epochSecondsToIso(v)
    if (iso) return iso
    ctx.issues.push({ code: 'custom', message: 'expected epoch seconds', input: v })
    return z.NEVER
  })

/** A token's `aud` is a string or an array of strings; several are kept space-separated. */
const audience = z
  .union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' })
  .nullish()
  .transform((v) => (Array.isArray(v) ? v.join(' ') : v) || undefined)

export const OUTCOMES = ['ok', 'error', 'denied'] as const
export const AUTH_SCHEMES = ['bearer', 'api_key', 'none'] as const

export const gatewayLine = z.looseObject({
  time: requiredTime,
  'mcp.method.name': requiredText,
  event_id: optionalId,
  gateway: optionalText,
  'mcp.target': optionalText,
  'gen_ai.tool.name': optionalText,
  'gen_ai.prompt.name': optionalText,
  'mcp.resource.uri': optionalText,
  'jsonrpc.request.id': optionalId,
  'mcp.session.id': optionalText,
  'mcp.protocol.version': optionalText,
  'client.name': optionalText,
  'client.version': optionalText,
  'src.addr': optionalText,
  'http.status': httpStatus,
  outcome: z.enum(OUTCOMES, { error: 'expected ok, error or denied' }).nullish(),
  duration,
  'auth.scheme': z.enum(AUTH_SCHEMES, { error: 'expected bearer, api_key or none' }).nullish(),
  'jwt.iss': optionalText,
  'jwt.sub': optionalText,
  'jwt.aud': audience,
  'jwt.client_id': optionalText,
  'jwt.azp': optionalText,
  'jwt.appid': optionalText,
  'jwt.cid': optionalText,
  'jwt.jti': optionalText,
  'jwt.uti': optionalText,
  'jwt.iat': epochSeconds,
  'jwt.exp': epochSeconds,
  // agentgateway `accessLog.add` fields as users name them, without the `jwt.` prefix
  jti: optionalText,
  client_id: optionalText,
  user: optionalText,
  'apiKey.sha256': optionalSha256,
  'apiKey.name': optionalText,
  token: optionalText,
})

export type GatewayLine = z.infer<typeof gatewayLine>

const LEGACY_RESOURCE_KEYS: Record<string, string> = {
  tool: 'gen_ai.tool.name',
  prompt: 'gen_ai.prompt.name',
  resource: 'mcp.resource.uri',
}

/**
 * agentgateway's stream open (`GET /mcp`) and session end (`DELETE /mcp`) carry `mcp.session.id`
 * and no method (gateway-log.md): stored under the HTTP method, as session plumbing.
 */
export const SESSION_STREAM_METHODS = new Set(['GET', 'DELETE'])

/**
 * Older agentgateway releases (log-formats.md §7.5) wrote `mcp.tool` (≈ v0.9, a `tools/call`
 * of that tool), `mcp.method` and `mcp.resource` + `mcp.resource.name` (≈ v0.10; later
 * `mcp.resource.type`) where it now writes `mcp.method.name` and `gen_ai.tool.name` …; such
 * records read as the current keys. A line that has the current key keeps it.
 */
export function withLegacyKeys(record: Record<string, unknown>): Record<string, unknown> {
  const line = { ...record }
  if (line['mcp.method.name'] == null && typeof line['mcp.method'] === 'string') line['mcp.method.name'] = line['mcp.method']
  if (line['mcp.method.name'] == null && typeof line['mcp.tool'] === 'string') {
    line['mcp.method.name'] = 'tools/call'
    line['gen_ai.tool.name'] ??= line['mcp.tool']
  }
  const httpMethod = typeof line['http.method'] === 'string' ? line['http.method'].toUpperCase() : ''
  if (line['mcp.method.name'] == null && line['mcp.session.id'] != null && SESSION_STREAM_METHODS.has(httpMethod)) line['mcp.method.name'] = httpMethod
  const resourceKey = LEGACY_RESOURCE_KEYS[String(line['mcp.resource.type'] ?? line['mcp.resource'])]
  if (resourceKey && line[resourceKey] == null && typeof line['mcp.resource.name'] === 'string') {
    line[resourceKey] = line['mcp.resource.name']
  }
  return line
}
