import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, gt, like, sql } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { accounts, sessions, users, verificationTokens, type Role } from '@/db/schema'
import { requirePermission, type Actor, type RequestOrigin } from '@/lib/auth/actor'
import { recordAudit, type AppTx } from '@/lib/auth/audit-trail'
import { loadAuthConfig } from '@/lib/auth/config'
import { hashPassword } from '@/lib/auth/password'
import { appUserColumns, type AppUser } from './index'

/** A change the users page refuses, with the sentence it shows. */
export class UserChangeRefused extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UserChangeRefused'
  }
}

export type ManagedUser = AppUser & { hasPassword: boolean; sso: boolean; invitePending: boolean }

const INVITE_PREFIX = 'invite:'
const INVITE_DAYS = 7
export const MIN_PASSWORD_LENGTH = 12

export async function usersForAdmin(actor: Actor): Promise<ManagedUser[]> {
  requirePermission(actor, 'users:manage')
  const db = await openAppStore()
  return db
    .select({
      ...appUserColumns,
      hasPassword: sql<boolean>`${users.passwordHash} IS NOT NULL`,
      sso: sql<boolean>`EXISTS (SELECT 1 FROM ${accounts} WHERE ${accounts.userId} = ${users.id})`,
      invitePending: sql<boolean>`EXISTS (SELECT 1 FROM ${verificationTokens} WHERE ${verificationTokens.identifier} = ${INVITE_PREFIX} || ${users.email} AND ${verificationTokens.expires} > now())`,
    })
    .from(users)
    .orderBy(asc(users.email))
}

/**
 * Adds a user with a role and returns a one-time link (valid 7 days) on which they
 * choose a password. Custody sends no mail: the admin hands the link over. Only a
 * hash of the link's token is stored.
 */
export async function inviteUser(actor: Actor, invite: { email: string; role: Role }): Promise<{ inviteUrl: string }> {
  requirePermission(actor, 'users:manage')
  const email = invite.email.trim().toLowerCase()
  const token = randomBytes(32).toString('base64url')
  const db = await openAppStore()
  await db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email))
    if (existing) throw new UserChangeRefused(`${email} is already a user.`)
    await tx.insert(users).values({ email, role: invite.role })
    await tx.insert(verificationTokens).values({
      identifier: `${INVITE_PREFIX}${email}`,
      token: tokenHash(token),
      expires: new Date(Date.now() + INVITE_DAYS * 24 * 3600 * 1000),
    })
    await recordAudit(tx, actor, { action: 'user_invite', target: email, detail: { role: invite.role } })
  })
  const url = new URL('/signin', loadAuthConfig().url)
  url.searchParams.set('invite', token)
  return { inviteUrl: url.toString() }
}

export async function changeUserRole(actor: Actor, change: { userId: string; role: Role }): Promise<void> {
  requirePermission(actor, 'users:manage')
  refuseSelf(actor, change.userId, 'change your own role')
  const db = await openAppStore()
  await db.transaction(async (tx) => {
    const user = await lockedUser(tx, change.userId)
    if (user.role === change.role) return
    await tx.update(users).set({ role: change.role }).where(eq(users.id, user.id))
    await recordAudit(tx, actor, { action: 'role_change', target: user.email, detail: { from: user.role, to: change.role } })
  })
}

/** Disabling also deletes the user's sessions: they are signed out on their next request. */
export async function setUserDisabled(actor: Actor, change: { userId: string; disabled: boolean }): Promise<void> {
  requirePermission(actor, 'users:manage')
  refuseSelf(actor, change.userId, change.disabled ? 'disable your own account' : 'enable your own account')
  const db = await openAppStore()
  await db.transaction(async (tx) => {
    const user = await lockedUser(tx, change.userId)
    if (Boolean(user.disabledAt) === change.disabled) return
    await tx.update(users).set({ disabledAt: change.disabled ? new Date() : null }).where(eq(users.id, user.id))
    const ended = change.disabled
      ? await tx.delete(sessions).where(eq(sessions.userId, user.id)).returning({ id: sessions.sessionToken })
      : []
    await recordAudit(tx, actor, {
      action: change.disabled ? 'user_disable' : 'user_enable',
      target: user.email,
      detail: change.disabled ? { sessions_ended: ended.length } : {},
    })
  })
}

/**
 * The invitee's side, before they can sign in: the link's token is the authority, and
 * is used up. The token is looked up before the password is hashed: an anonymous
 * request with a made-up token costs one indexed read, not 128 MiB of scrypt.
 */
export async function acceptInvite(accept: { token: string; password: string }, origin: RequestOrigin): Promise<{ email: string }> {
  if (accept.password.length < MIN_PASSWORD_LENGTH) {
    throw new UserChangeRefused(`Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`)
  }
  const db = await openAppStore()
  const [known] = await db.select({ token: verificationTokens.token }).from(verificationTokens).where(liveInvite(accept.token))
  if (!known) throw new UserChangeRefused(INVITE_GONE)
  const passwordHash = await hashPassword(accept.password)
  return db.transaction(async (tx) => {
    // Deleting it is what uses the link up: of two requests racing with one link, one wins.
    const [invite] = await tx.delete(verificationTokens).where(liveInvite(accept.token)).returning({ identifier: verificationTokens.identifier })
    if (!invite) throw new UserChangeRefused(INVITE_GONE)
    const email = invite.identifier.slice(INVITE_PREFIX.length)
    const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.email, email)).returning({ disabledAt: users.disabledAt })
    if (!user || user.disabledAt) throw new UserChangeRefused('This account is disabled.')
    await recordAudit(tx, { claimed: email, origin }, { action: 'password_set', target: email, detail: { via: 'invitation' } })
    return { email }
  })
}

const INVITE_GONE = 'This invitation link is not valid any more. Ask an admin for a new one.'

function liveInvite(token: string) {
  return and(
    eq(verificationTokens.token, tokenHash(token)),
    like(verificationTokens.identifier, `${INVITE_PREFIX}%`),
    gt(verificationTokens.expires, new Date()),
  )
}

function refuseSelf(actor: Actor, userId: string, what: string): void {
  if (actor.kind === 'user' && actor.id === userId) {
    throw new UserChangeRefused(`You can't ${what}: ask another admin.`)
  }
}

async function lockedUser(tx: AppTx, userId: string): Promise<{ id: string; email: string; role: Role; disabledAt: Date | null }> {
  const [user] = await tx
    .select({ id: users.id, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .for('update')
  if (!user) throw new UserChangeRefused('No such user.')
  return user
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
