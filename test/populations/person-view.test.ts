import { desc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { auditEvents } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { attributionViewed } from '@/lib/reports/attribution-view'
import { at, store } from '../reports/builders'
import { mixedDay } from '../reports/scenario'
import { useReportStore } from '../reports/setup'

useReportStore('person-view')
afterAll(closeAppStore)

beforeAll(async () => {
  await store(mixedDay())
})

describe('the attribution API records who viewed people', () => {
  it('writes a view_person row for every identity shown, with the period', async () => {
    const db = await openAppStore()
    const before = await db.select().from(auditEvents).where(eq(auditEvents.action, 'view_person'))
    const report = await attributionViewed(cliActor, { from: new Date(at('10-01 00:00')), to: new Date(at('10-02 00:00')) })
    expect(report.identities.length).toBeGreaterThan(2)
    const [row] = await db.select().from(auditEvents).where(eq(auditEvents.action, 'view_person')).orderBy(desc(auditEvents.id)).limit(1)
    expect(before).toHaveLength(0)
    expect(row).toMatchObject({
      actor: 'system:cli',
      target: '*',
      detail: { report: 'attribution', from: at('10-01 00:00'), to: at('10-02 00:00'), identities: report.identities.length },
    })
  })
})
