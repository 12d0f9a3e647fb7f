// The app-state schema (PostgreSQL dialect; PGlite or a server). Migrations: `npx drizzle-kit generate`.
export * from './schema/users'
export * from './schema/thresholds'
export * from './schema/registry'
export * from './schema/evidence'
export * from './schema/audit'
export * from './schema/sign-in'
export * from './schema/notifications'
