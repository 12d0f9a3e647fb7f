import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore, openAppStore, type AppStore } from '@/db'
import { auditEvents } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { auditCsv } from '@/lib/auth/audit-csv'
import { EXPORT_PAGE_ROWS, exportAuditPopulation, type AuditEvent } from '@/lib/auth/audit-query'
import { releaseDataDirLock } from '@/lib/store/lock'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-audit-export-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.DATABASE_URL

let db: AppStore
beforeAll(async () => {
  db = await openAppStore()
})
afterAll(async () => {
  await closeAppStore()
  releaseDataDirLock(dataDir) // before the dir goes: the lock's heartbeat would find it gone and stop the process
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const views = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ actor: 'auditor@custody.local', action: 'view_person' as const, target: `person:${prefix}${i}@example.test` }))

async function* only(events: AuditEvent[]): AsyncGenerator<AuditEvent> {
  yield* events
}

describe('exporting the audit trail', () => {
  it('streams the population page by page, oldest first, exactly the rows it recorded, whatever is written meanwhile', async () => {
    const total = EXPORT_PAGE_ROWS * 2 + 500
    await db.insert(auditEvents).values(views(total, 'p'))
    const population = await exportAuditPopulation(cliActor, { action: 'view_person' })
    expect(population.rows).toBe(total)
    const ids: number[] = []
    for await (const e of population.events) {
      ids.push(e.id)
      // Written while the export is being read: not part of the population it recorded.
      if (ids.length === 10) await db.insert(auditEvents).values(views(30, 'late'))
    }
    expect(ids).toHaveLength(total)
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    expect(new Set(ids).size).toBe(total)
  })

  it('writes CSV with every cell quoted, so a ";" or "," in a value stays in its cell, and formulas cannot run', async () => {
    const at = new Date('2026-11-02T10:00:00.000Z')
    const csv = await text(
      auditCsv(only([
        { id: 7, at, actor: 'eve;admin@example.test', action: 'sign_in_failed', target: '=HYPERLINK("http://evil")', detail: { reason: 'wrong_password' }, ip: null, userAgent: 'a, b' },
        { id: 8, at, actor: 'x@example.test', action: 'sign_in', target: null, detail: null, ip: '192.0.2.1', userAgent: null },
      ])),
    )
    expect(csv.split('\r\n')).toEqual([
      '"id","at","actor","action","target","ip","user_agent","detail"',
      `"7","2026-11-02T10:00:00.000Z","eve;admin@example.test","sign_in_failed","'=HYPERLINK(""http://evil"")","","a, b","{""reason"":""wrong_password""}"`,
      '"8","2026-11-02T10:00:00.000Z","x@example.test","sign_in","","192.0.2.1","",""',
      '',
    ])
  })
})
