import { sql } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { roles, users, type Role } from '@/db/schema'
import { hashPassword } from '@/lib/auth/password'

export const DEMO_PASSWORD = 'custody-demo'

export function demoUserEmail(role: Role): string {
  return `${role}@custody.local`
}

/**
 * One local user per role, password `custody-demo`. Safe to run again: each demo user
 * is upserted by e-mail and returned to its demo state (role, password, enabled).
 */
export async function seedDemoUsers(db: AppStore): Promise<void> {
  const demoUsers = await Promise.all(
    roles.map(async (role) => ({
      email: demoUserEmail(role),
      name: `Demo ${role}`,
      role,
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })),
  )
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
