// Apart from the tables (users.ts) so the permission checks every command runs load no drizzle.
export const roles = ['auditor', 'compliance', 'security', 'admin'] as const
export type Role = (typeof roles)[number]
