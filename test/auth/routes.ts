import type { Permission } from '@/lib/auth/permissions'

/**
 * Every page and route handler in app/, with the permission it demands and a URL to
 * request it by. The inventory test fails when a file in app/ is missing here, and
 * the e2e matrix (test/e2e/auth.spec.ts) requests each URL as every role.
 * `public` entries are the only ones allowed to skip the guard.
 */
export type RouteEntry = {
  file: string
  url: string
  kind: 'page' | 'api'
  permission: Permission | 'public'
  method?: 'POST'
  /** A session is not the authority here: without this token every role gets 401. */
  authority?: 'ingest-token' | 'local-handoff'
}

export const ROUTES: RouteEntry[] = [
  { file: 'app/page.tsx', url: '/', kind: 'page', permission: 'reports:read' },
  { file: 'app/attribution/page.tsx', url: '/attribution', kind: 'page', permission: 'reports:read' },
  { file: 'app/attribution/[identity]/page.tsx', url: '/attribution/dana.lee%40example.com', kind: 'page', permission: 'people:read' },
  { file: 'app/actions/page.tsx', url: '/actions', kind: 'page', permission: 'reports:read' },
  { file: 'app/actions/[event_id]/page.tsx', url: '/actions/af06fe71fea7800724a0252fce4a4485d5a5fcaeac03c4af11f93492a9ccea72', kind: 'page', permission: 'reports:read' },
  { file: 'app/unattributed/page.tsx', url: '/unattributed', kind: 'page', permission: 'reports:read' },
  { file: 'app/token-age/page.tsx', url: '/token-age', kind: 'page', permission: 'reports:read' },
  { file: 'app/revocation-latency/page.tsx', url: '/revocation-latency', kind: 'page', permission: 'reports:read' },
  { file: 'app/off-gateway/page.tsx', url: '/off-gateway', kind: 'page', permission: 'reports:read' },
  { file: 'app/coverage/page.tsx', url: '/coverage', kind: 'page', permission: 'reports:read' },
  {
    file: 'app/api/reports/[name]/route.ts',
    url: '/api/reports/unattributed?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z',
    kind: 'api',
    permission: 'reports:read',
  },
  { file: 'app/audit/page.tsx', url: '/audit', kind: 'page', permission: 'audit:read' },
  // A POST: exporting is recorded (and the guard refuses it cross-site).
  { file: 'app/audit/export/route.ts', url: '/audit/export', kind: 'api', permission: 'evidence:export', method: 'POST' },
  { file: 'app/users/page.tsx', url: '/users', kind: 'page', permission: 'users:manage' },
  { file: 'app/signin/page.tsx', url: '/signin', kind: 'page', permission: 'public' },
  { file: 'app/api/health/route.ts', url: '/api/health', kind: 'api', permission: 'public' },
  { file: 'app/api/auth/[...nextauth]/route.ts', url: '/api/auth/providers', kind: 'api', permission: 'public' },
  { file: 'app/api/populations/actions/route.ts', url: '/api/populations/actions?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'reports:read' },
  { file: 'app/api/populations/credentials/route.ts', url: '/api/populations/credentials?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'reports:read' },
  { file: 'app/api/populations/triggers/route.ts', url: '/api/populations/triggers?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'reports:read' },
  { file: 'app/api/populations/grants/route.ts', url: '/api/populations/grants?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'reports:read' },
  { file: 'app/api/populations/lists/[list]/route.ts', url: '/api/populations/lists/identities?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'reports:read' },
  // Token-authorized: a sender has no session; without a valid ingest token every role gets 401.
  { file: 'app/api/ingest/[source]/route.ts', url: '/api/ingest/gateway', kind: 'api', permission: 'public', method: 'POST', authority: 'ingest-token' },
  { file: 'app/v1/traces/route.ts', url: '/v1/traces', kind: 'api', permission: 'public', method: 'POST', authority: 'ingest-token' },
  { file: 'app/v1/logs/route.ts', url: '/v1/logs', kind: 'api', permission: 'public', method: 'POST', authority: 'ingest-token' },
  // The CLI beside a running dashboard: the handoff token in the data dir, from loopback only.
  {
    file: 'app/api/local/reports/[name]/route.ts',
    url: '/api/local/reports/unattributed?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z',
    kind: 'api',
    permission: 'public',
    authority: 'local-handoff',
  },
  { file: 'app/tokens/page.tsx', url: '/tokens', kind: 'page', permission: 'ingest-tokens:manage' },
  { file: 'app/api/local/alerts/run/route.ts', url: '/api/local/alerts/run', kind: 'api', permission: 'public', method: 'POST', authority: 'local-handoff' },
  { file: 'app/evidence/page.tsx', url: '/evidence?control=CC6.2', kind: 'page', permission: 'reports:read' },
  // A POST: exporting is recorded (and the guard refuses it cross-site).
  { file: 'app/evidence/export/route.ts', url: '/evidence/export?control=CC6.2&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z', kind: 'api', permission: 'evidence:export', method: 'POST' },
  {
    file: 'app/evidence/sample/route.ts',
    url: '/evidence/sample?population=actions&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z&size=2&seed=matrix',
    kind: 'api',
    permission: 'reports:read',
  },
  // Everyone reads the thresholds, their change history and the alerts; changing and acknowledging are the actions below.
  { file: 'app/thresholds/page.tsx', url: '/thresholds', kind: 'page', permission: 'reports:read' },
  { file: 'app/thresholds/history/route.ts', url: '/thresholds/history', kind: 'api', permission: 'reports:read' },
  { file: 'app/alerts/page.tsx', url: '/alerts', kind: 'page', permission: 'overview:read' },
  { file: 'app/alerts/destinations/page.tsx', url: '/alerts/destinations', kind: 'page', permission: 'thresholds:write' },
]

/** Every exported server action, by file and name. */
export type ActionEntry = { file: string; name: string; permission: Permission | 'public' }

export const ACTIONS: ActionEntry[] = [
  { file: 'app/users/actions.ts', name: 'inviteUserAction', permission: 'users:manage' },
  { file: 'app/users/actions.ts', name: 'changeRoleAction', permission: 'users:manage' },
  { file: 'app/users/actions.ts', name: 'setDisabledAction', permission: 'users:manage' },
  { file: 'app/tokens/actions.ts', name: 'createTokenAction', permission: 'ingest-tokens:manage' },
  { file: 'app/tokens/actions.ts', name: 'rotateTokenAction', permission: 'ingest-tokens:manage' },
  { file: 'app/tokens/actions.ts', name: 'revokeTokenAction', permission: 'ingest-tokens:manage' },
  { file: 'app/evidence/actions.ts', name: 'drawSampleAction', permission: 'evidence:export' },
  { file: 'app/thresholds/actions.ts', name: 'changeThresholdsAction', permission: 'thresholds:write' },
  { file: 'app/alerts/actions.ts', name: 'acknowledgeAlertAction', permission: 'alerts:acknowledge' },
  { file: 'app/alerts/destinations/actions.ts', name: 'addDestinationAction', permission: 'thresholds:write' },
  { file: 'app/alerts/destinations/actions.ts', name: 'testDestinationAction', permission: 'thresholds:write' },
  { file: 'app/alerts/destinations/actions.ts', name: 'enableDestinationAction', permission: 'thresholds:write' },
  { file: 'app/alerts/destinations/actions.ts', name: 'deleteDestinationAction', permission: 'thresholds:write' },
  // An invitee has no session yet: the one-time token in the link is the authority.
  { file: 'app/signin/actions.ts', name: 'acceptInvitation', permission: 'public' },
]

/** The only public entries, and why. Adding one here is a security review. */
export const PUBLIC_ENTRIES: Record<string, string> = {
  'app/api/health/route.ts': 'liveness probe; touches no store',
  'app/api/auth/[...nextauth]/route.ts': 'next-auth: sign-in, callbacks, sign-out',
  'app/signin/page.tsx': 'the sign-in page',
  'app/signin/actions.ts': 'accepting an invitation (token-authorized)',
  'app/api/ingest/[source]/route.ts': 'the HTTP intake: the ingest token is the authority (lib/intake/tokens.ts#checkIngestToken)',
  'app/v1/traces/route.ts': 'OTLP/HTTP traces: the ingest token is the authority',
  'app/v1/logs/route.ts': 'OTLP/HTTP logs: the ingest token is the authority',
  'app/api/local/reports/[name]/route.ts': 'custody report on a data dir the dashboard owns: the local handoff token (lib/intake/local-handoff.ts) is the authority',
  'app/api/local/alerts/run/route.ts': 'custody alerts run on a data dir the dashboard owns: the local handoff token is the authority',
}
