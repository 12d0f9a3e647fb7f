import { randomBytes } from 'node:crypto'
import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { sessions, users, type Role } from '@/db/schema'
import type { RequestOrigin, UserActor } from './actor'
import { recordAudit } from './audit-trail'

/**
 * Sessions live in the `sessions` table. The session cookie (an encrypted next-auth
 * JWT) only carries the session id; every request looks the id up together with
 * the user, so signing out, disabling a user or changing a role takes effect on the
 * very next request.
 */
export type SessionStart = {
  user: { id: string; email: string }
  provider: string
  /** The role the identity provider's groups grant, applied now; absent for local accounts. */
  idpRole?: Role
  origin: RequestOrigin
  maxAgeSeconds: number
}

/** Creates the session row and records the sign-in (and any IdP role change) in one transaction. */
export async function startSession(db: AppStore, start: SessionStart): Promise<string> {
  const sessionId = randomBytes(32).toString('base64url')
  const expires = new Date(Date.now() + start.maxAgeSeconds * 1000)
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(lt(sessions.expires, new Date()))
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, start.user.id)).for('update')
    if (!user) throw new Error('sign-in for a user that does not exist')
    const actor: UserActor = { kind: 'user', ...start.user, role: start.idpRole ?? user.role, sessionId, origin: start.origin }
    if (start.idpRole && start.idpRole !== user.role) {
      await tx.update(users).set({ role: start.idpRole }).where(eq(users.id, start.user.id))
      await recordAudit(tx, actor, {
        action: 'role_change',
        target: start.user.email,
        detail: { from: user.role, to: start.idpRole, via: `${start.provider} groups at sign-in` },
      })
    }
    await tx.insert(sessions).values({ sessionToken: sessionId, userId: start.user.id, expires })
    await recordAudit(tx, actor, { action: 'sign_in', target: start.user.email, detail: { provider: start.provider } })
  })
  return sessionId
}

export type SessionUser = { id: string; email: string; role: Role }

/** The enabled user behind a live session, as the database says now; null otherwise. */
export async function sessionUser(db: AppStore, sessionId: string): Promise<SessionUser | null> {
  const [found] = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.sessionToken, sessionId), gt(sessions.expires, new Date()), isNull(users.disabledAt)))
  return found ?? null
}

/** Signing out deletes the session row, so a copy of the cookie is worthless afterwards. */
export async function endSession(db: AppStore, sessionId: string, origin: RequestOrigin): Promise<void> {
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .delete(sessions)
      .where(eq(sessions.sessionToken, sessionId))
      .returning({ userId: sessions.userId })
    if (!ended) return
    const [user] = await tx.select({ id: users.id, email: users.email, role: users.role }).from(users).where(eq(users.id, ended.userId))
    if (user) await recordAudit(tx, { kind: 'user', ...user, sessionId, origin }, { action: 'sign_out', target: user.email })
  })
}
