import { describe, expect, it } from 'vitest'
import { desc, eq } from 'drizzle-orm'
import { openAppStore } from '@/db'
import { auditEvents, ingestTokens } from '@/db/schema'
import { cliActor, type UserActor } from '@/lib/auth/actor'
import { query, sql } from '@/lib/clickhouse'
import { checkIngestToken, createIngestToken, listIngestTokens, revokeIngestToken, rotateIngestToken } from '@/lib/intake/tokens'
import { sha256Hex } from '@/lib/sources/fingerprint'
import { useIntakeStore } from './store'

useIntakeStore('tokens')

const security: UserActor = { kind: 'user', id: '00000000-0000-4000-8000-000000000001', email: 'sec@example.test', role: 'security', sessionId: 's', origin: { ip: null, userAgent: null } }

describe('ingest tokens', () => {
  it('shows the token once, stores only its hash, and lets only admins manage them', async () => {
    const issued = await createIngestToken(cliActor, { name: 'vector-prod', sources: ['gateway', 'otlp'] })
    expect(issued.token).toMatch(/^cit_[\w-]{43}$/)
    const db = await openAppStore()
    const [row] = await db.select().from(ingestTokens)
    expect(row.tokenSha256).toBe(sha256Hex(issued.token))
    expect(JSON.stringify(row)).not.toContain(issued.token)
    expect((await listIngestTokens(cliActor)).map((t) => t.name)).toEqual(['vector-prod'])
    await expect(listIngestTokens(security)).rejects.toThrow('may not ingest-tokens:manage')
    await expect(createIngestToken(security, { name: 'x' })).rejects.toThrow('may not ingest-tokens:manage')
  })

  it('answers 401 for missing, unknown, revoked and expired tokens, 403 for a source it does not allow', async () => {
    const issued = await createIngestToken(cliActor, { name: 'okta-hook', sources: ['okta'] })
    expect(await checkIngestToken(null, 'okta')).toMatchObject({ ok: false, status: 401 })
    expect(await checkIngestToken('Bearer cit_made-up', 'okta')).toMatchObject({ ok: false, status: 401 })
    expect(await checkIngestToken(`Bearer ${issued.token}`, 'okta')).toMatchObject({ ok: true, name: 'okta-hook' })
    expect(await checkIngestToken(`Bearer ${issued.token}`, 'gateway')).toMatchObject({ ok: false, status: 403 })
    await revokeIngestToken(cliActor, issued.id)
    expect(await checkIngestToken(`Bearer ${issued.token}`, 'okta')).toMatchObject({ ok: false, status: 401 })

    const soon = await createIngestToken(cliActor, { name: 'short', expiresAt: new Date(Date.now() + 1500) })
    expect(await checkIngestToken(`Bearer ${soon.token}`, 'keys')).toMatchObject({ ok: true })
    await new Promise((r) => setTimeout(r, 1600))
    expect(await checkIngestToken(`Bearer ${soon.token}`, 'keys')).toMatchObject({ ok: false, status: 401 })
  })

  it('rotates: the new token works at once, the old one only for the grace period', async () => {
    const old = await createIngestToken(cliActor, { name: 'collector', sources: ['otlp'] })
    const graced = await rotateIngestToken(cliActor, { id: old.id, graceSeconds: 2 })
    expect(graced.replaces).toBe(old.id)
    expect(graced.sources).toEqual(['otlp'])
    expect(await checkIngestToken(`Bearer ${old.token}`, 'otlp')).toMatchObject({ ok: true })
    expect(await checkIngestToken(`Bearer ${graced.token}`, 'otlp')).toMatchObject({ ok: true })
    await new Promise((r) => setTimeout(r, 2100))
    expect(await checkIngestToken(`Bearer ${old.token}`, 'otlp')).toMatchObject({ ok: false, status: 401 })
    expect(await checkIngestToken(`Bearer ${graced.token}`, 'otlp')).toMatchObject({ ok: true })
    const now = await rotateIngestToken(cliActor, { id: graced.id, graceSeconds: 0 })
    expect(await checkIngestToken(`Bearer ${graced.token}`, 'otlp')).toMatchObject({ ok: false, status: 401 })
    expect(await checkIngestToken(`Bearer ${now.token}`, 'otlp')).toMatchObject({ ok: true })
  })

  it('writes creation, rotation, use and revocation to the audit trail', async () => {
    const db = await openAppStore()
    const rows = await db.select().from(auditEvents).orderBy(desc(auditEvents.id))
    const trail = rows.filter((r) => r.action.startsWith('ingest_token')).map((r) => `${r.action}:${(r.detail as { change?: string } | null)?.change ?? ''}:${r.target}`)
    expect(trail).toEqual(
      expect.arrayContaining([
        'ingest_token_change:create:vector-prod',
        'ingest_token_change:create:okta-hook',
        'ingest_token_use::okta-hook',
        'ingest_token_change:revoke:okta-hook',
        'ingest_token_change:rotate:collector',
      ]),
    )
    expect(rows.find((r) => r.action === 'ingest_token_change')?.actor).toBe('system:cli')
  })

  it('puts every token in the credential evidence, with its expiry and revocation', async () => {
    const tokens = await listIngestTokens(cliActor)
    const revoked = tokens.find((t) => t.name === 'okta-hook')!
    const db = await openAppStore()
    const [hash] = await db.select({ h: ingestTokens.tokenSha256 }).from(ingestTokens).where(eq(ingestTokens.id, revoked.id))
    const facts = await query<{ kind: string; subject_id: string; credential_type: string }>(
      sql`SELECT DISTINCT kind, subject_id, credential_type FROM idp_events WHERE credential_id = ${`sha256:${hash.h}`} ORDER BY kind`,
      { tag: 'test' },
    )
    expect(facts).toEqual([
      { kind: 'credential', subject_id: 'custody-intake:okta-hook', credential_type: 'service_token' },
      { kind: 'revocation', subject_id: 'custody-intake:okta-hook', credential_type: 'service_token' },
    ])
  })
})
