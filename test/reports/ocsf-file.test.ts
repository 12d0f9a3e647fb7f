import { describe, expect, it } from 'vitest'
import { ocsfSource } from '@/lib/sources/ocsf'
import { emptyStore, period, useReportStore } from './setup'
import { allReports, ingestFiles } from './vendor-files'

useReportStore('ocsf-file')

const day = period('2026-03-04T00:00:00.000Z', '2026-03-05T00:00:00.000Z', '2026-03-06T00:00:00.000Z')
const FILE = { parser: ocsfSource, file: 'ocsf/events.ndjson' }

describe('an OCSF file holding IAM events and MCP API activity', () => {
  it('stores each record in its table once: a second ingest finds all of them already stored', { timeout: 60_000 }, async () => {
    await emptyStore()
    const [first] = await ingestFiles([FILE])
    expect(first).toMatchObject({ read: 6, accepted: 5, skipped: 1, duplicates: 0, rejected: 0 })
    const [second] = await ingestFiles([FILE])
    expect(second).toMatchObject({ read: 6, accepted: 0, skipped: 1, duplicates: 5, rejected: 0 })
    const reports = await allReports(day)
    // the tool call presents the token of the OCSF logon, whose user is then disabled
    expect(reports.unattributed).toMatchObject({ total_actions: 1, attributed_actions: 1, by_method: { credential: 1, subject_claim: 0, session: 0 } })
    expect(reports['revocation-latency']).toMatchObject({ triggers: 1, with_live_credentials: 1, unresolved: 0, closed_by_expiry: 1 })
  })
})
