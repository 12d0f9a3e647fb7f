/** A planned MCP session: who connects, through which gateway, to which server, presenting what. */
import type { McpServer } from './catalog'
import type { Agent, Person, ServiceClient } from './company'
import type { InventoryKey } from './inventory'

export type Gateway = {
  name: string
  /** introspects tokens and checks key revocation; the other gateway validates JWTs locally and never asks */
  checksCredentials: boolean
  writesEventIds: boolean
  durationAsText: boolean
}

export const PROD_GATEWAY: Gateway = { name: 'agw-prod', checksCredentials: true, writesEventIds: true, durationAsText: true }
export const EDGE_GATEWAY: Gateway = { name: 'agw-edge', checksCredentials: false, writesEventIds: false, durationAsText: false }

export type McpClient = { name: string; version: string; stringIds: boolean; protocol: string }

/** What the agent presents. `claims` for a person's bearer token: full (jti), subject only, or on `initialize` only. */
export type Presenter =
  | { kind: 'person'; person: Person; agent: Agent; claims: 'jti' | 'subject' | 'inherit'; token: 'current' | 'fresh' | 'stale'; revokeAfterMs?: number; revokedBy?: Person }
  | { kind: 'client'; client: ServiceClient }
  | { kind: 'key'; key: InventoryKey }
  | { kind: 'unknown-key'; sha256: string; name: string }
  | { kind: 'forged-token'; jti: string; sub: string; clientId: string; issuer: string }
  | { kind: 'unmapped-subject'; sub: string; user: string | null; clientId: string }
  | { kind: 'anonymous' }

/** The planted finding a session's agent actions are counted under. */
export type SessionFinding = 'anonymousActions' | 'unknownApiKeyActions' | 'unknownTokenActions' | 'unmappedSubjectActions' | 'sharedKeyActions'

export type SessionPlan = {
  start: number
  gateway: Gateway
  server: McpServer
  client: McpClient | null
  srcAddr: string
  /** how many calls after the handshake */
  calls: number
  /** median pause between calls */
  gapMs: number
  /** stop after this long even if calls remain */
  maxDurationMs?: number
  presenter: Presenter
  finding?: SessionFinding
  /** the server refuses some tools to this caller (403) */
  refusesSome?: boolean
}
