import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { desc, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore, type AppStore } from '@/db'
import { auditEvents, roles, sessions, users, type Role } from '@/db/schema'
import { AccessDenied, cliActor, mayDo, type Actor, type UserActor } from '@/lib/auth/actor'
import { auditTrailPage, exportAuditPopulation, type AuditEvent } from '@/lib/auth/audit-query'
import { recordAudit, recordView } from '@/lib/auth/audit-trail'
import { verifyPassword } from '@/lib/auth/password'
import type { Permission } from '@/lib/auth/permissions'
import { sessionUser, startSession } from '@/lib/auth/sessions'
import { closeClickHouse } from '@/lib/clickhouse'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { recentIngestRuns } from '@/lib/overview/ingest-runs'
import { actionTrend } from '@/lib/overview/trend'
import { evidenceReport } from '@/lib/reports/run'
import { findUserByEmail } from '@/lib/users'
import { acceptInvite, changeUserRole, inviteUser, setUserDisabled, usersForAdmin, UserChangeRefused } from '@/lib/users/manage'
import { demoUserEmail, nonDemoUsers, seedDemoUsers } from '@/lib/users/seed'
import { ingestedFilesOutside } from '@/lib/ingest/runs'
import { createIngestToken, listIngestTokens, revokeIngestToken, rotateIngestToken } from '@/lib/intake/tokens'
import { dataAccessFunctions, guardsItself } from './lib-scan'
import { custodyChain } from '@/lib/custody-chain'
import { drawSample, drawSampleWithKeys } from '@/lib/samples/draw'
import { exportHistoryPage } from '@/lib/evidence/history'
import { recordedSample, recordedSamples, recordSample } from '@/lib/samples/record'
import { storedSample, storedSamples } from '@/lib/samples/stored'
import { actionsPage, allActions } from '@/lib/populations/actions'
import { allCredentials, credentialsPage } from '@/lib/populations/credentials'
import { allGrants, grantsPage } from '@/lib/populations/grants'
import { reportList } from '@/lib/populations/report-lists'
import { allTriggers, triggersPage } from '@/lib/populations/triggers'
import { attributionViewed } from '@/lib/reports/attribution-view'
import { pagePeriod } from '@/lib/reports/period'
import { releaseDataDirLock } from '@/lib/store/lock'
import { addDestination, deleteDestination, deliveryLog, listDestinations, sendTestNotification, setDestinationEnabled } from '@/lib/notifications/destinations'
import { alertsRaised } from '@/lib/evidence/alerts'
import { exportEvidencePack } from '@/lib/evidence/export'
import { inProcessPackStore, readPackAppState, recordPackExport } from '@/lib/evidence/app-state'
import { packPopulationReader, readPackPopulation } from '@/lib/evidence/populations'
import { samplesForPack } from '@/lib/evidence/samples'
import { activeSigner, activeSigningKey, rotateSigningKey, signingKeys } from '@/lib/evidence/signing-key'
import { silentDays, sourceWatermarks } from '@/lib/evidence/watermarks'
import { alerts } from '@/db/schema'
import { acknowledgeAlert, alertList } from '@/lib/alerts/list'
import { changeThresholds, thresholdChanges, thresholdSettings } from '@/lib/thresholds/change'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-auth-data-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.DATABASE_URL
delete process.env.CLICKHOUSE_URL

const origin = { ip: '203.0.113.9', userAgent: 'vitest' }
let db: AppStore
const actors = {} as Record<Role, UserActor>
const tokenIds: Record<string, string> = {}
const destinationIds: Record<string, string> = {}
// test-send to a closed port: refused at once, and never retried within the test
const quickPolicy = { timeoutMs: 500, maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0, origin: 'http://localhost:3000' }
const alertIds: Record<string, string> = {}

async function signIn(email: string, provider = 'credentials', idpRole?: Role): Promise<UserActor> {
  const [user] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email))
  const sessionId = await startSession(db, { user, provider, idpRole, origin, maxAgeSeconds: 3600 })
  const current = await sessionUser(db, sessionId)
  if (!current) throw new Error(`no session for ${email}`)
  return { kind: 'user', ...current, sessionId, origin }
}

async function newUser(email: string, role: Role = 'auditor'): Promise<string> {
  const [row] = await db.insert(users).values({ email, role }).returning({ id: users.id })
  return row.id
}

async function lastAudit(action: string) {
  const [row] = await db.select().from(auditEvents).where(eq(auditEvents.action, action as never)).orderBy(desc(auditEvents.id)).limit(1)
  return row
}

/** The transaction that last wrote a row: equal for two rows only if one transaction wrote both. */
async function writtenBy(table: 'users' | 'audit_events' | 'sessions', where: ReturnType<typeof sql>): Promise<string> {
  const result = await db.execute(sql`SELECT xmin::text AS tx FROM ${sql.identifier(table)} WHERE ${where}`)
  return String(result.rows[0].tx)
}

beforeAll(async () => {
  await migrateClickHouse()
  db = await openAppStore()
  await seedDemoUsers(db)
  for (const role of roles) actors[role] = await signIn(demoUserEmail(role))
  // made before the matrix counts audit rows: a refused rotation or revocation must add none
  for (const who of [...roles, 'cli']) {
    for (const change of ['rotate', 'revoke']) tokenIds[`${change}-${who}`] = (await createIngestToken(cliActor, { name: `${change}-${who}` })).id
    for (const change of ['disable', 'delete', 'test']) destinationIds[`${change}-${who}`] = (await addDestination(cliActor, { kind: 'slack', name: `${change}-${who}`, url: 'http://127.0.0.1:9/hook' })).id
    const [alert] = await db
      .insert(alerts)
      .values({ rule: 'source_silent', subject: `source-${who}`, state: 'firing', value: 61, threshold: 60, since: new Date(), link: '/coverage' })
      .returning({ id: alerts.id })
    alertIds[who] = alert.id
  }
})

afterAll(async () => {
  await closeAppStore()
  await closeClickHouse()
  releaseDataDirLock(dataDir) // before the dir goes: the lock's heartbeat would find it gone and stop the process
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const october = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }

// Each guarded data-access function, called as any actor would call it from a page.
const DATA_FUNCTIONS: Record<string, { permission: Permission; call: (actor: Actor, role: string) => Promise<unknown> }> = {
  exportEvidencePack: { permission: 'evidence:export', call: (a) => exportEvidencePack(a, { control: 'CC6.2', ...october, asOf: october.to, out: path.join(dataDir, 'pack.pdf') }) },
  readPackPopulation: { permission: 'evidence:export', call: (a) => readPackPopulation(a, 'triggers', october, october.to) },
  packPopulationReader: { permission: 'evidence:export', call: async (a) => packPopulationReader(a, ['triggers'], october, october.to)('triggers') },
  readPackAppState: { permission: 'evidence:export', call: (a) => readPackAppState(a, db, { period: october, generatedAt: october.to, monitoring: true }) },
  inProcessPackStore: { permission: 'evidence:export', call: async (a) => inProcessPackStore(a, { period: october, generatedAt: october.to, monitoring: false }).state },
  recordPackExport: {
    permission: 'evidence:export',
    call: (a, who) => {
      const at = { from: october.from.toISOString(), to: october.to.toISOString(), generated_at: october.to.toISOString() }
      const manifest = { control: 'CC6.2', ...at, thresholds: {}, generator: { name: 'custody', version: 'matrix' }, watermarks: [], populations: [] }
      return recordPackExport(a, db, { control: 'CC6.2', period: october, generatedAt: october.to, sha256: '0'.repeat(64), fileName: `matrix-${who}.pdf`, keyFingerprint: 'sha256:matrix', manifest })
    },
  },
  samplesForPack: { permission: 'evidence:export', call: (a) => samplesForPack(a, october, october.to) },
  activeSigner: { permission: 'evidence:export', call: async (a) => activeSigner(a, db) },
  activeSigningKey: { permission: 'reports:read', call: (a) => activeSigningKey(a) },
  signingKeys: { permission: 'reports:read', call: (a) => signingKeys(a) },
  rotateSigningKey: { permission: 'signing-key:rotate', call: (a) => rotateSigningKey(a) },
  sourceWatermarks: { permission: 'reports:read', call: (a) => sourceWatermarks(a) },
  silentDays: { permission: 'reports:read', call: (a) => silentDays(a, october) },
  alertsRaised: { permission: 'reports:read', call: (a) => alertsRaised(a, october, october.to) },
  recentIngestRuns: { permission: 'overview:read', call: (a) => recentIngestRuns(a, 5) },
  actionTrend: { permission: 'reports:read', call: (a) => actionTrend(a, { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }) },
  evidenceReport: {
    permission: 'reports:read',
    call: (a) => evidenceReport(a, 'unattributed', { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }),
  },
  auditTrailPage: { permission: 'audit:read', call: (a) => auditTrailPage(a, {}, 1) },
  exportAuditPopulation: { permission: 'evidence:export', call: (a) => exportAuditPopulation(a, { action: 'sign_in' }) },
  recordView: { permission: 'people:read', call: (a) => recordView(a, 'person:dana@example.test') },
  usersForAdmin: { permission: 'users:manage', call: (a) => usersForAdmin(a) },
  inviteUser: { permission: 'users:manage', call: (a, who) => inviteUser(a, { email: `matrix-${who}@example.test`, role: 'auditor' }) },
  changeUserRole: { permission: 'users:manage', call: async (a, who) => changeUserRole(a, { userId: await newUser(`role-${who}@example.test`), role: 'security' }) },
  nonDemoUsers: { permission: 'users:manage', call: (a) => nonDemoUsers(a, db) },
  ingestedFilesOutside: { permission: 'overview:read', call: (a) => ingestedFilesOutside(a, '/nowhere/') },
  setUserDisabled: { permission: 'users:manage', call: async (a, who) => setUserDisabled(a, { userId: await newUser(`off-${who}@example.test`), disabled: true }) },
  pagePeriod: { permission: 'reports:read', call: (a) => pagePeriod(a, {}) },
  actionsPage: { permission: 'reports:read', call: (a) => actionsPage(a, october, { reason: 'unattributed' }, { per: 10 }) },
  allActions: { permission: 'reports:read', call: (a) => allActions(a, october, {}) },
  custodyChain: { permission: 'reports:read', call: (a) => custodyChain(a, 'req-none') },
  credentialsPage: { permission: 'reports:read', call: (a) => credentialsPage(a, october, {}, { per: 10 }) },
  allCredentials: { permission: 'reports:read', call: (a) => allCredentials(a, october, {}) },
  triggersPage: { permission: 'reports:read', call: (a) => triggersPage(a, october, {}, { per: 10 }) },
  allTriggers: { permission: 'reports:read', call: (a) => allTriggers(a, october, {}) },
  attributionViewed: { permission: 'people:read', call: (a) => attributionViewed(a, october) },
  reportList: { permission: 'reports:read', call: (a) => reportList(a, 'sources', october) },
  grantsPage: { permission: 'reports:read', call: (a) => grantsPage(a, october, {}, { per: 10 }) },
  allGrants: { permission: 'reports:read', call: (a) => allGrants(a, october, {}) },
  listIngestTokens: { permission: 'ingest-tokens:manage', call: (a) => listIngestTokens(a) },
  createIngestToken: { permission: 'ingest-tokens:manage', call: (a, who) => createIngestToken(a, { name: `matrix-${who}` }) },
  rotateIngestToken: { permission: 'ingest-tokens:manage', call: (a, who) => rotateIngestToken(a, { id: tokenIds[`rotate-${who}`], graceSeconds: 60 }) },
  revokeIngestToken: { permission: 'ingest-tokens:manage', call: (a, who) => revokeIngestToken(a, tokenIds[`revoke-${who}`]) },
  listDestinations: { permission: 'thresholds:write', call: (a) => listDestinations(a) },
  addDestination: { permission: 'thresholds:write', call: (a, who) => addDestination(a, { kind: 'slack', name: `matrix-${who}`, url: 'https://hooks.slack.com/services/T0/B0/x' }) },
  setDestinationEnabled: { permission: 'thresholds:write', call: (a, who) => setDestinationEnabled(a, { id: destinationIds[`disable-${who}`], enabled: false }) },
  deleteDestination: { permission: 'thresholds:write', call: (a, who) => deleteDestination(a, destinationIds[`delete-${who}`]) },
  sendTestNotification: { permission: 'thresholds:write', call: (a, who) => sendTestNotification(a, destinationIds[`test-${who}`], quickPolicy) },
  deliveryLog: { permission: 'thresholds:write', call: (a) => deliveryLog(a, {}) },
  drawSample: { permission: 'reports:read', call: (a) => drawSample(a, { population: 'actions', ...october, size: 2, seed: 'matrix' }) },
  drawSampleWithKeys: { permission: 'reports:read', call: (a) => drawSampleWithKeys(a, { population: 'identities', ...october, size: 2, seed: 'matrix' }) },
  recordSample: { permission: 'evidence:export', call: (a) => recordSample(a, { population: 'triggers', ...october, size: 2, seed: 'matrix' }) },
  recordedSamples: { permission: 'reports:read', call: (a) => recordedSamples(a, october) },
  exportHistoryPage: { permission: 'audit:read', call: (a) => exportHistoryPage(a, 1) },
  recordedSample: { permission: 'reports:read', call: (a) => recordedSample(a, '00000000-0000-4000-8000-000000000000') },
  storedSamples: { permission: 'reports:read', call: (a) => storedSamples(a, october) },
  storedSample: { permission: 'reports:read', call: (a) => storedSample(a, '00000000-0000-4000-8000-000000000000') },
  thresholdSettings: { permission: 'reports:read', call: (a) => thresholdSettings(a) },
  thresholdChanges: { permission: 'reports:read', call: (a) => thresholdChanges(a) },
  changeThresholds: {
    permission: 'thresholds:write',
    call: (a, who) => changeThresholds(a, { settings: { revocation_sla_seconds: 1000 + [...roles, 'cli'].indexOf(who) }, reason: `matrix ${who}` }),
  },
  alertList: { permission: 'overview:read', call: (a) => alertList(a, { state: 'firing' }) },
  acknowledgeAlert: { permission: 'alerts:acknowledge', call: (a, who) => acknowledgeAlert(a, { id: alertIds[who], comment: `seen by ${who}` }) },
}

describe('role × data-access function matrix', () => {
  it('covers every guarded data-access function under lib/', () => {
    const guarded = dataAccessFunctions().filter(guardsItself).map((f) => f.name)
    expect(Object.keys(DATA_FUNCTIONS).sort()).toEqual(guarded.sort())
  })

  const cases = Object.entries(DATA_FUNCTIONS).flatMap(([name, fn]) => [...roles, 'cli' as const].map((who) => ({ name, who, fn })))
  it.each(cases)('$name as $who', async ({ who, fn }) => {
    const actor: Actor = who === 'cli' ? cliActor : actors[who]
    const before = await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents)
    const attempt = fn.call(actor, who)
    if (mayDo(actor, fn.permission)) {
      await attempt
    } else {
      await expect(attempt).rejects.toBeInstanceOf(AccessDenied)
      // A refused call changes nothing, not even the audit trail.
      expect(await db.select({ n: sql<number>`count(*)::int` }).from(auditEvents)).toEqual(before)
    }
  })
})

describe('sessions end when access ends', () => {
  it('re-reads the role on every request: a role change applies to a live session at once', async () => {
    const id = await newUser('ravi@example.test', 'auditor')
    const ravi = await signIn('ravi@example.test')
    expect(ravi.role).toBe('auditor')
    await changeUserRole(actors.admin, { userId: id, role: 'security' })
    expect((await sessionUser(db, ravi.sessionId))?.role).toBe('security')
  })

  it('disabling a user deletes every session of theirs, and they cannot come back on an old cookie', async () => {
    const id = await newUser('mo@example.test', 'compliance')
    const laptop = await signIn('mo@example.test')
    const phone = await signIn('mo@example.test')
    await setUserDisabled(actors.admin, { userId: id, disabled: true })
    expect(await sessionUser(db, laptop.sessionId)).toBeNull()
    expect(await sessionUser(db, phone.sessionId)).toBeNull()
    expect(await db.select().from(sessions).where(eq(sessions.userId, id))).toEqual([])
    expect((await lastAudit('user_disable')).detail).toEqual({ sessions_ended: 2 })
    await setUserDisabled(actors.admin, { userId: id, disabled: false })
    expect(await sessionUser(db, laptop.sessionId)).toBeNull()
    expect((await lastAudit('user_enable')).target).toBe('mo@example.test')
  })

  it('an SSO sign-in sets the role the IdP groups grant, and records that change', async () => {
    await newUser('sso-lee@example.test', 'auditor')
    const lee = await signIn('sso-lee@example.test', 'oidc', 'admin')
    expect(lee.role).toBe('admin')
    const change = await lastAudit('role_change')
    expect(change).toMatchObject({ actor: 'sso-lee@example.test', target: 'sso-lee@example.test', detail: { from: 'auditor', to: 'admin', via: 'oidc groups at sign-in' } })
  })
})

describe('the audit trail is written with the change it describes', () => {
  it('a role change and its audit row come from one transaction, with who, what, when and from where', async () => {
    const id = await newUser('kim@example.test', 'auditor')
    await changeUserRole(actors.admin, { userId: id, role: 'compliance' })
    const row = await lastAudit('role_change')
    expect(row).toMatchObject({ actor: 'admin@custody.local', target: 'kim@example.test', detail: { from: 'auditor', to: 'compliance' }, ip: '203.0.113.9', userAgent: 'vitest' })
    expect(Date.now() - row.at.getTime()).toBeLessThan(60_000)
    expect(await writtenBy('audit_events', sql`id = ${row.id}`)).toBe(await writtenBy('users', sql`id = ${id}`))
  })

  it('a sign-in and its session row come from one transaction', async () => {
    const actor = await signIn('security@custody.local')
    const row = await lastAudit('sign_in')
    expect(row).toMatchObject({ actor: 'security@custody.local', detail: { provider: 'credentials' } })
    expect(await writtenBy('audit_events', sql`id = ${row.id}`)).toBe(await writtenBy('sessions', sql`session_token = ${actor.sessionId}`))
  })

  it('a refused change writes nothing: an admin cannot demote or disable themselves', async () => {
    const before = await auditTrailPage(cliActor, {}, 1)
    await expect(changeUserRole(actors.admin, { userId: actors.admin.id, role: 'auditor' })).rejects.toThrow(UserChangeRefused)
    await expect(setUserDisabled(actors.admin, { userId: actors.admin.id, disabled: true })).rejects.toThrow("You can't disable your own account")
    expect((await auditTrailPage(cliActor, {}, 1)).total).toBe(before.total)
    expect((await findUserByEmail(db, 'admin@custody.local'))?.role).toBe('admin')
  })

  it('strips control characters and keeps only real IP addresses', async () => {
    await recordAudit(db, { claimed: 'eve@example.test\r\nadmin signed in', origin: { ip: 'not-an-ip', userAgent: 'x\u0000y' } }, { action: 'sign_in_failed' })
    expect(await lastAudit('sign_in_failed')).toMatchObject({ actor: 'eve@example.test  admin signed in', ip: null, userAgent: 'x y' })
  })

  it('records exports, and an exported population is complete and oldest first', async () => {
    const population = await exportAuditPopulation(actors.compliance, { action: 'sign_in' })
    const events: AuditEvent[] = []
    for await (const e of population.events) events.push(e)
    expect(events.length).toBeGreaterThanOrEqual(roles.length)
    expect(events).toHaveLength(population.rows)
    expect(events.every((e) => e.action === 'sign_in')).toBe(true)
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b))
    expect(await lastAudit('export')).toMatchObject({ actor: 'compliance@custody.local', target: 'audit_events', detail: { rows: events.length, action: 'sign_in' } })
  })
})

describe('invitations', () => {
  it('an invited user chooses a password with the one-time link and can then sign in', async () => {
    const { inviteUrl } = await inviteUser(actors.admin, { email: 'New.Hire@Example.test', role: 'compliance' })
    const token = new URL(inviteUrl).searchParams.get('invite')!
    expect(inviteUrl).toMatch(/^http:\/\/localhost:3000\/signin\?invite=/)
    const listed = (await usersForAdmin(actors.admin)).find((u) => u.email === 'new.hire@example.test')
    expect(listed).toMatchObject({ role: 'compliance', hasPassword: false, invitePending: true, sso: false })
    await expect(acceptInvite({ token, password: 'short' }, origin)).rejects.toThrow('at least 12 characters')
    await acceptInvite({ token, password: 'correct horse battery' }, origin)
    const account = await findUserByEmail(db, 'new.hire@example.test')
    expect(await verifyPassword('correct horse battery', account!.passwordHash!)).toBe(true)
    await expect(acceptInvite({ token, password: 'another long password' }, origin)).rejects.toThrow('not valid any more')
    expect(await lastAudit('password_set')).toMatchObject({ actor: 'new.hire@example.test', detail: { via: 'invitation' } })
    expect(await lastAudit('user_invite')).toMatchObject({ actor: 'admin@custody.local', target: 'new.hire@example.test', detail: { role: 'compliance' } })
  })

  it('refuses to invite someone who is already a user', async () => {
    await expect(inviteUser(actors.admin, { email: 'AUDITOR@custody.local', role: 'admin' })).rejects.toThrow('auditor@custody.local is already a user.')
  })
})

describe('browsing the audit trail', () => {
  it('pages 50 at a time, newest first, filtered by action', async () => {
    for (let i = 0; i < 120; i++) await recordView(actors.auditor, `person:p${i}@example.test`)
    const first = await auditTrailPage(actors.auditor, { action: 'view_person' }, 1)
    const third = await auditTrailPage(actors.auditor, { action: 'view_person' }, 3)
    expect(first.total).toBeGreaterThanOrEqual(120)
    expect(first.events).toHaveLength(50)
    expect(first.events[0].target).toBe('person:p119@example.test')
    expect(third.events.length).toBe(first.total - 100)
    expect(first.pages).toBe(Math.ceil(first.total / 50))
    expect((await auditTrailPage(actors.auditor, { action: 'view_person' }, 999)).page).toBe(first.pages)
    expect(first.events.every((e) => e.action === 'view_person' && e.actor === 'auditor@custody.local')).toBe(true)
  })
})
