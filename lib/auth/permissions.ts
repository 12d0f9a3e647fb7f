import { roles, type Role } from '@/db/schema/roles'

/** Everything a role may do in Custody. Every guarded function names exactly one of these. */
export const permissions = [
  'overview:read',
  'reports:read',
  'people:read',
  'audit:read',
  'evidence:export',
  'thresholds:write',
  'alerts:acknowledge',
  'service-accounts:write',
  'users:manage',
  'ingest-tokens:manage',
  'signing-key:rotate',
] as const
export type Permission = (typeof permissions)[number]

// Each role holds everything the role before it holds (issue 4, Roles).
const READ_EVERYTHING: readonly Permission[] = ['overview:read', 'reports:read', 'people:read', 'audit:read']
const COMPLIANCE: readonly Permission[] = [...READ_EVERYTHING, 'evidence:export']
const SECURITY: readonly Permission[] = [...COMPLIANCE, 'thresholds:write', 'alerts:acknowledge', 'service-accounts:write']
const ADMIN: readonly Permission[] = [...SECURITY, 'users:manage', 'ingest-tokens:manage', 'signing-key:rotate']

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  auditor: new Set(READ_EVERYTHING),
  compliance: new Set(COMPLIANCE),
  security: new Set(SECURITY),
  admin: new Set(ADMIN),
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission)
}

export function permissionsOf(role: Role): Permission[] {
  return permissions.filter((p) => GRANTS[role].has(p))
}

/** Roles from least to most privileged; `roles` in the schema is declared in that order. */
export function roleRank(role: Role): number {
  return roles.indexOf(role)
}
