import { asc, notInArray, sql } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { roles, users, type Role } from '@/db/schema'
import { requirePermission, type Actor } from '@/lib/auth/actor'
import { hashPassword } from '@/lib/auth/password'

export const DEMO_PASSWORD = 'custody-demo'

export function demoUserEmail(role: Role): string {
  return `${role}@custody.local`
}

/** Users that are not the demo's (at most `limit`): the demo refuses to run beside them. */
export async function nonDemoUsers(actor: Actor, db: AppStore, limit = 3): Promise<string[]> {
  requirePermission(actor, 'users:manage')
  const rows = await db.select({ email: users.email }).from(users).where(notInArray(users.email, roles.map(demoUserEmail))).orderBy(asc(users.email)).limit(limit)
  return rows.map((r) => r.email)
}

/**
 * One local user per role, password `custody-demo`. Safe to run again: each demo user
 * is upserted by e-mail and returned to its demo state (role, password, enabled).
 */
export async function seedDemoUsers(db: AppStore): Promise<void> {
  // One scrypt per user, one after another: each takes 128 MiB while it runs.
  const demoUsers = []
  for (const role of roles) {
    demoUsers.push({ email: demoUserEmail(role), name: `Demo ${role}`, role, passwordHash: await hashPassword(DEMO_PASSWORD) })
  }
  await db
    .insert(users)
    .values(demoUsers)
    .onConflictDoUpdate({
      target: users.email,
      set: {
        name: sql`excluded.name`,
        role: sql`excluded.role`,
        passwordHash: sql`excluded.password_hash`,
        disabledAt: null,
        updatedAt: new Date(),
      },
    })
}
