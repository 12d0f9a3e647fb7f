import { asc, eq } from 'drizzle-orm'
import type { AppStore } from '@/db'
import { users, type Role } from '@/db/schema'

/** A Custody user as pages and the API see one: never the password hash. */
export type AppUser = {
  id: string
  email: string
  name: string | null
  role: Role
  disabledAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** A user with the local-account password hash, for the credentials sign-in only. */
export type UserAccount = AppUser & { passwordHash: string | null }

export const appUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
}

export async function listUsers(db: AppStore): Promise<AppUser[]> {
  return db.select(appUserColumns).from(users).orderBy(asc(users.email))
}

/** E-mails are stored lower-cased, so the lookup ignores case. */
export async function findUserByEmail(db: AppStore, email: string): Promise<UserAccount | null> {
  const [found] = await db
    .select({ ...appUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
  return found ?? null
}
