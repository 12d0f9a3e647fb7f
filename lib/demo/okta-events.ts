/**
 * Okta System Log LogEvent shapes (log-formats.md §1.4, §1.5): the token target shape
 * (type access_token, detailEntry.expires/subject/hash) is copied as observed.
 */
import { iso } from './clock'
import type { Agent, Company, Person, ServiceClient } from './company'
import type { Random } from './random'

export type OktaActor = { id: string; type: string; alternateId: string; displayName: string; detailEntry: null }
export type OktaTarget = { id: string; type: string; alternateId: string; displayName: string; detailEntry?: Record<string, string> | null }

export type LogEventInput = {
  published: number
  eventType: string
  legacyEventType: string | null
  displayMessage: string
  actor: OktaActor
  client: Record<string, unknown>
  target: OktaTarget[] | null
  debugData: Record<string, string>
  authenticationContext: Record<string, unknown>
  apiTokenId?: string
}

/** Services call Okta through the company's egress address. */
export const EGRESS_IP = '192.0.2.254'

export function logEvent(rng: Random, e: LogEventInput): Record<string, unknown> {
  const requestId = rng.base62(23) + 'AAB' + rng.base62(1)
  return {
    uuid: oktaUuid(rng),
    published: iso(e.published),
    eventType: e.eventType,
    version: '0',
    severity: 'INFO',
    legacyEventType: e.legacyEventType,
    displayMessage: e.displayMessage,
    actor: e.actor,
    client: e.client,
    outcome: { result: 'SUCCESS', reason: null },
    target: e.target,
    transaction: { type: 'WEB', id: requestId, detail: e.apiTokenId ? { requestApiTokenId: e.apiTokenId } : {} },
    debugContext: { debugData: { requestId, ...e.debugData } },
    authenticationContext: e.authenticationContext,
    securityContext: { asNumber: 64496, asOrg: 'example transit', isp: 'example isp', domain: 'example.net', isProxy: false },
    request: { ipChain: [{ ip: e.client.ipAddress, version: 'V4', source: null, geographicalContext: null }] },
  }
}

/** Okta uuids are time-based (version 1) UUIDs. */
function oktaUuid(rng: Random): string {
  const h = rng.hex(27)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-11f0-${'89ab'[rng.int(4)]}${h.slice(12, 15)}-${h.slice(15, 27)}`
}

export const personActor = (p: Person): OktaActor => ({ id: p.id, type: 'User', alternateId: p.email, displayName: p.displayName, detailEntry: null })
export const clientActor = (c: ServiceClient): OktaActor => ({ id: c.clientId, type: 'PublicClientApp', alternateId: c.name, displayName: c.displayName, detailEntry: null })
export const systemActor = (company: Company): OktaActor => ({ id: company.systemPrincipalId, type: 'SystemPrincipal', alternateId: 'system@okta.com', displayName: 'Okta System', detailEntry: null })
export const userTarget = (p: Person): OktaTarget => ({ id: p.id, type: 'User', alternateId: p.email, displayName: p.displayName })

export function personClient(p: Person, clientId: string | null, rawUserAgent: string, browser = 'UNKNOWN'): Record<string, unknown> {
  const { city, state, country, lat, lon } = p.city
  return {
    id: clientId, ipAddress: p.ip, zone: 'null', device: 'Computer',
    userAgent: { rawUserAgent, os: 'Mac OS X', browser },
    geographicalContext: { city, state, country, postalCode: null, geolocation: { lat, lon } },
  }
}

export function serviceClient(c: ServiceClient): Record<string, unknown> {
  return {
    id: c.clientId, ipAddress: EGRESS_IP, zone: 'null', device: 'Unknown',
    userAgent: { rawUserAgent: 'node-fetch/3.3.2', os: 'Unknown', browser: 'UNKNOWN' },
    geographicalContext: { city: 'Dublin', state: 'Leinster', country: 'Ireland', postalCode: null, geolocation: { lat: 53.34, lon: -6.26 } },
  }
}

export function adminClient(ip: string): Record<string, unknown> {
  return { id: null, ipAddress: ip, userAgent: { rawUserAgent: 'okta-sdk-nodejs/8.1.0', os: 'Unknown', browser: 'UNKNOWN' } }
}

export function tokenTarget(rng: Random, kind: 'access_token' | 'refresh_token', id: string, expires: number, subject: string): OktaTarget {
  return {
    id, type: kind, alternateId: 'unknown', displayName: kind === 'access_token' ? 'Access Token' : 'Refresh Token',
    detailEntry: { expires: iso(expires), subject, hash: rng.base64url(22) },
  }
}

export function authServerTarget(company: Company): OktaTarget {
  return { id: company.authServerId, type: 'AuthorizationServer', alternateId: 'unknown', displayName: 'MCP Gateway', detailEntry: { audience: 'https://mcp.acme.example' } }
}

export function agentUserAgent(agent: Agent, version: string): string {
  return `${agent.userAgent}/${version}`
}
