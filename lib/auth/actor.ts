import type { Role } from '@/db/schema/roles'
import { roleAllows, type Permission } from './permissions'

/** Where a request came from, as recorded in the audit trail. */
export type RequestOrigin = { ip: string | null; userAgent: string | null }

/**
 * A signed-in person, re-read from the database on this request: `role` is the role
 * they hold now, and a disabled user never becomes an actor.
 */
export type UserActor = {
  kind: 'user'
  id: string
  email: string
  role: Role
  sessionId: string
  origin: RequestOrigin
}

/** The operator at the command line, who already holds the data directory itself. */
export type SystemActor = { kind: 'system'; via: 'cli' }

export type Actor = UserActor | SystemActor

export const cliActor: SystemActor = Object.freeze({ kind: 'system', via: 'cli' })

export class AccessDenied extends Error {
  constructor(
    readonly actor: Actor,
    readonly permission: Permission,
  ) {
    super(`${actorLabel(actor)} may not ${permission}`)
    this.name = 'AccessDenied'
  }
}

/**
 * THE guard. Every route handler, server action and data-access function calls it
 * (through `currentActor` at the entry points); test/auth/guard-inventory.test.ts checks.
 */
export function requirePermission(actor: Actor, permission: Permission): void {
  if (!mayDo(actor, permission)) throw new AccessDenied(actor, permission)
}

export function mayDo(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'system') return true
  return roleAllows(actor.role, permission)
}

/** Who the audit trail says did it. */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? actor.email : `system:${actor.via}`
}
