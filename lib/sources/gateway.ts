import { rawEventId } from './fingerprint'
import { gatewayLine, SESSION_STREAM_METHODS, withLegacyKeys, type GatewayLine } from './gateway/line'
import { presentedSecret, type PresentedSecret, type TokenClaims } from './gateway/secret'
import { fieldError, isJsonObject } from './record-fields'
import { scrubbedRecord } from './secrets'
import type { CredentialType, GatewayRequestRow, Outcome, SourceParser } from './types'

/** `--source gateway`: one line of the gateway log (shared/spec/gateway-log.md) → one request row. */
export const gatewaySource: SourceParser = {
  name: 'gateway',
  table: 'gateway_requests',
  parse(value, raw) {
    if (!isJsonObject(value)) return { ok: false, error: 'line is not a JSON object' }
    if (!Object.keys(value).some((key) => key.startsWith('mcp.'))) return { ok: true, requests: [], facts: [], skipped: 'not an MCP request' }
    // every value is read scrubbed (metrics.md, Secrets), but `token`: its secret is hashed here, then dropped
    const read = scrubbedRecord(value, raw, ['token'])
    if ('error' in read) return { ok: false, error: read.error }
    const { record, scrubbed } = read
    const parsed = gatewayLine.safeParse(withLegacyKeys(record))
    if (!parsed.success) return { ok: false, error: fieldError(parsed.error) }
    const secret = parsed.data.token ? presentedSecret(parsed.data.token) : null
    return { ok: true, requests: [requestRow(record, parsed.data, secret, raw, scrubbed)], facts: [] }
  },
}

/** `raw` is the line's exact text; `record` the line, its secrets scrubbed when `scrubbed`. */
function requestRow(record: Record<string, unknown>, line: GatewayLine, secret: PresentedSecret | null, raw: string, scrubbed: boolean): GatewayRequestRow {
  const method = line['mcp.method.name']
  const outcome = line.outcome ?? outcomeOfStatus(line['http.status'])
  const claims = secret?.kind === 'bearer' ? secret.claims : {}
  return {
    event_id: line.event_id ?? rawEventId(raw),
    source: 'gateway',
    time: line.time,
    gateway: line.gateway ?? '',
    method,
    outcome,
    is_action: outcome !== 'denied' && !isSessionPlumbing(method) ? 1 : 0,
    server: line['mcp.target'] ?? '',
    tool: line['gen_ai.tool.name'] ?? '',
    prompt: line['gen_ai.prompt.name'] ?? '',
    resource_uri: line['mcp.resource.uri'] ?? '',
    request_id: line['jsonrpc.request.id'] ?? '',
    session_id: line['mcp.session.id'] ?? '',
    protocol_version: line['mcp.protocol.version'] ?? '',
    client_name: line['client.name'] ?? '',
    client_version: line['client.version'] ?? '',
    src_addr: line['src.addr'] ?? '',
    http_status: line['http.status'] ?? null,
    duration_ms: line.duration ?? null,
    auth_scheme: line['auth.scheme'] ?? inferredScheme(record, line, secret),
    ...presentedCredential(line, secret),
    ...tokenClaims(line, claims),
    user_claim: line.user ?? '',
    api_key_name: line['apiKey.name'] ?? '',
    raw: scrubbed ? storedRecord(record, secret) : raw,
  }
}

/** 401 and 403 are refusals; other 4xx/5xx are errors (still actions); no status reads as ok. */
function outcomeOfStatus(status: number | null | undefined): Outcome {
  if (status === 401 || status === 403) return 'denied'
  return status != null && status >= 400 ? 'error' : 'ok'
}

/** Session plumbing is never an agent action (metrics.md, Agent action); so are the stream opens and session ends of `withLegacyKeys`. */
function isSessionPlumbing(method: string): boolean {
  return method === 'initialize' || method === 'ping' || method.startsWith('notifications/') || SESSION_STREAM_METHODS.has(method)
}

function tokenClaims(line: GatewayLine, claims: TokenClaims) {
  return {
    jwt_iss: line['jwt.iss'] ?? claims.iss ?? '',
    jwt_sub: line['jwt.sub'] ?? claims.sub ?? '',
    jwt_client_id: clientIdOf(line) ?? claims.clientId ?? '',
    jwt_aud: line['jwt.aud'] ?? claims.aud ?? '',
    token_iat: line['jwt.iat'] ?? claims.iat ?? null,
    token_exp: line['jwt.exp'] ?? claims.exp ?? null,
  }
}

function clientIdOf(line: GatewayLine): string | undefined {
  return line['jwt.client_id'] ?? line['jwt.azp'] ?? line['jwt.appid'] ?? line['jwt.cid'] ?? line.client_id
}

function tokenIdOf(line: GatewayLine): string | undefined {
  return line['jwt.jti'] ?? line['jwt.uti'] ?? line.jti
}

/** The token id when there is one, else the fingerprint of the secret presented. */
function presentedCredential(line: GatewayLine, secret: PresentedSecret | null): { credential_id: string; credential_type: CredentialType | '' } {
  const bearer = secret?.kind === 'bearer' ? secret : null
  const tokenId = tokenIdOf(line) ?? bearer?.claims.jti
  if (tokenId) return { credential_id: tokenId, credential_type: 'oauth_access' }
  if (bearer) return { credential_id: bearer.fingerprint, credential_type: 'oauth_access' }
  const keySha256 = line['apiKey.sha256'] ?? (secret?.kind === 'api_key' ? secret.sha256 : undefined)
  if (keySha256) return { credential_id: `sha256:${keySha256}`, credential_type: 'api_key' }
  return { credential_id: '', credential_type: '' }
}

function inferredScheme(record: Record<string, unknown>, line: GatewayLine, secret: PresentedSecret | null): GatewayRequestRow['auth_scheme'] {
  const present = (prefix: string) => Object.entries(record).some(([k, v]) => k.startsWith(prefix) && v != null && v !== '')
  if (secret?.kind === 'bearer' || present('jwt.') || line.jti || line.client_id) return 'bearer'
  if (secret?.kind === 'api_key' || present('apiKey.')) return 'api_key'
  return 'none'
}

/** A line that might hold a secret is stored scrubbed, and without the secret in `token` (plus the key's fingerprint). */
function storedRecord(record: Record<string, unknown>, secret: PresentedSecret | null): string {
  if (!secret) return JSON.stringify(record)
  const { token: _secret, ...rest } = record
  if (secret.kind === 'api_key' && !rest['apiKey.sha256']) rest['apiKey.sha256'] = secret.sha256
  return JSON.stringify(rest)
}
