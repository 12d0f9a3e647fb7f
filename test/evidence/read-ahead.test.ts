import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { controlsOf, type PackPopulationName, type PackReports } from '@/lib/evidence/controls'
import { packPopulations } from '@/lib/evidence/pack'
import { packDocument } from '@/lib/evidence/pdf/document'
import { PackFile } from '@/lib/evidence/pdf/pack-file'
import { populationTable } from '@/lib/evidence/pdf/population-table'
import type { PackPopulationRows } from '@/lib/evidence/populations'

// The report numbers the `all` pack sizes its populations by (the rest of each report is not read).
function reportsSized(rows: { credentials: number; unattributed: number; flagged: number }): PackReports {
  return {
    attribution: { identities: Array.from({ length: 20 }, () => ({})) },
    'token-age': { credentials: rows.credentials, over_max_age: 3, no_expiry: 2 },
    'off-gateway': { clients: [{ grants: 40 }] },
    'revocation-latency': { triggers: 5, post_trigger_actions: 100 },
    unattributed: { unattributed_actions: rows.unattributed, flagged: { after_expiry: rows.flagged, after_revocation: 0, after_deprovision: 0, conflict: 0 } },
  } as unknown as PackReports
}

const LISTED = controlsOf('all').flatMap((c) => c.populations.map((p) => p.name))

/** A pack's population reads, recorded in the order they start; each has no rows. */
function recordedReads(): { started: PackPopulationName[]; read: (name: PackPopulationName) => Promise<PackPopulationRows> } {
  const started: PackPopulationName[] = []
  const read = async (name: PackPopulationName): Promise<PackPopulationRows> => {
    started.push(name)
    return { columns: [], rows: (async function* () {})(), query: { text: `SELECT ${name}`, params: {} } }
  }
  return { started, read }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('evidence pack: populations read ahead', () => {
  it('starts every population of the `all` pack before the first is drawn when their sizes fit the read-ahead', async () => {
    const { started, read } = recordedReads()
    const populations = packPopulations('all', read, Promise.resolve(reportsSized({ credentials: 30_000, unattributed: 16_000, flagged: 6_000 })))
    const listed = populations[Symbol.asyncIterator]()
    await turn()
    expect(started).toEqual(LISTED)
    const drawn: string[] = []
    for (let next = await listed.next(); !next.done; next = await listed.next()) drawn.push(next.value.population.name)
    expect(drawn).toEqual(LISTED)
    expect(started).toEqual(LISTED) // each read once
  })

  it('reads no further ahead than the read-ahead holds, and the rest as the tables before them are drawn', async () => {
    const { started, read } = recordedReads()
    // 150,000 credentials and the small populations after them fit the read-ahead; the million unattributed actions never do
    const populations = packPopulations('all', read, Promise.resolve(reportsSized({ credentials: 150_000, unattributed: 1_000_000, flagged: 300_000 })))
    const listed = populations[Symbol.asyncIterator]()
    await turn()
    expect(started).toEqual(LISTED.slice(0, LISTED.indexOf('unattributed-actions')))
    const startedWhenDrawn: Record<string, number> = {}
    for (let next = await listed.next(); !next.done; next = await listed.next()) startedWhenDrawn[next.value.population.name] = started.length
    // the unattributed actions are read once they are the next table, the flagged ones once those are drawn
    expect(startedWhenDrawn['credentials-without-expiry']).toBe(LISTED.indexOf('unattributed-actions'))
    expect(startedWhenDrawn['service-accounts']).toBe(LISTED.indexOf('unattributed-actions') + 1)
    expect(startedWhenDrawn['unattributed-actions']).toBe(LISTED.indexOf('flagged-actions') + 1)
    expect(started).toEqual(LISTED)
  })

  it('reads only the first population until the reports give the sizes', async () => {
    const { started, read } = recordedReads()
    packPopulations('all', read, new Promise(() => undefined))
    await turn()
    expect(started).toEqual([LISTED[0]])
  })
})

describe('evidence pack: a long population table', () => {
  it('gives the event loop a turn while it is drawn, so the reads ahead of it can start', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'custody-read-ahead-')), 'pack.pdf')
    const file = new PackFile(out)
    const { doc, done } = packDocument({ title: 't', subject: 's', generatedAt: new Date('2026-10-01T00:00:00Z'), footer: 'read-ahead test' }, file)
    let turned = false
    setImmediate(() => (turned = true))
    let turnedBeforeLastRow = false
    // rows as chDB's result gives them: already in memory, so reading them never waits for the event loop
    async function* rows() {
      for (let i = 0; i < 3000; i++) {
        if (i === 2999) turnedBeforeLastRow = turned
        yield { credential_id: `c-${i}`, identity: `person-${i}@example.com` }
      }
    }
    const drawn = await populationTable(doc, 'Appendix A · test', { columns: ['credential_id', 'identity'], rows: rows(), query: { text: 'SELECT 1', params: {} } })
    doc.end()
    await done
    file.commit()
    fs.rmSync(path.dirname(out), { recursive: true })
    expect(drawn.rows).toBe(3000)
    expect(turnedBeforeLastRow).toBe(true)
  })
})
