import { isJsonObject } from '../record-fields'

/**
 * An OCSF API Activity (class 6003) about an MCP call, read as the gateway line (gateway-log.md)
 * it states: the normalized record of log-formats.md §6. `time` and token times are epoch ms.
 */

const MCP_METHOD = /^(initialize|ping|[a-z]+\/[A-Za-z_/]+)$/
const RESOURCE_KEYS: Record<string, string> = { mcp_tool: 'gen_ai.tool.name', mcp_prompt: 'gen_ai.prompt.name', mcp_resource: 'mcp.resource.uri' }
const STATUS_FAILURE = 2

/** Its MCP method, or null when the API call is not an MCP request (a cloud API, a database). */
export function mcpMethod(event: Record<string, unknown>): string | null {
  const operation = field(event, 'api', 'operation') ?? field(event, 'metadata', 'event_code')
  return typeof operation === 'string' && MCP_METHOD.test(operation) ? operation : null
}

export function apiActivityLine(event: Record<string, unknown>, method: string): Record<string, unknown> {
  const expiresMs = field(event, 'api', 'token', 'expiration_time')
  const line: Record<string, unknown> = {
    time: event.time,
    'mcp.method.name': method,
    event_id: field(event, 'metadata', 'uid'),
    gateway: field(event, 'metadata', 'product', 'name'),
    'mcp.target': field(event, 'api', 'service', 'name'),
    'jsonrpc.request.id': field(event, 'api', 'request', 'uid'),
    'mcp.session.id': field(event, 'actor', 'session', 'uid'),
    'client.name': field(event, 'actor', 'app_name'),
    'src.addr': field(event, 'src_endpoint', 'ip'),
    'http.status': field(event, 'api', 'response', 'code') ?? field(event, 'http_response', 'code'),
    'jwt.jti': field(event, 'api', 'token', 'uid'),
    'jwt.exp': typeof expiresMs === 'number' ? Math.trunc(expiresMs / 1000) : expiresMs,
    'jwt.sub': field(event, 'actor', 'user', 'uid'),
    'jwt.client_id': field(event, 'actor', 'app_uid'),
    user: field(event, 'actor', 'user', 'email_addr'),
  }
  for (const resource of Array.isArray(event.resources) ? event.resources : []) {
    const key = isJsonObject(resource) ? RESOURCE_KEYS[String(resource.type)] : undefined
    if (key && isJsonObject(resource)) line[key] ??= resource.uid ?? resource.name
  }
  if (line['http.status'] == null && event.status_id === STATUS_FAILURE) line.outcome = 'error'
  return Object.fromEntries(Object.entries(line).filter(([, v]) => v !== undefined))
}

function field(value: unknown, ...path: string[]): unknown {
  let at = value
  for (const key of path) at = isJsonObject(at) ? at[key] : undefined
  return at
}
