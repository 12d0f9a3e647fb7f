import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { query, sql } from '@/lib/clickhouse'
import { alerts, auditEvents, evidenceExports } from '@/db/schema'
import { AccessDenied, cliActor, type UserActor } from '@/lib/auth/actor'
import { CONTROL_IDS, reportsOf, type ControlId } from '@/lib/evidence/controls'
import { exportEvidencePack, type EvidencePack, type ExportOptions } from '@/lib/evidence/export'
import { manifestSchema } from '@/lib/evidence/manifest'
import { verifyPack } from '@/lib/evidence/verify'
import { allActions } from '@/lib/populations/actions'
import { allCredentials } from '@/lib/populations/credentials'
import { csvStream } from '@/lib/populations/csv'
import { allGrants } from '@/lib/populations/grants'
import { allTriggers } from '@/lib/populations/triggers'
import { isoFromClickHouse } from '@/lib/reports/common'
import { evidenceReport } from '@/lib/reports/run'
import { drawSample, recordSample } from '@/lib/samples'
import { REPORT_NAMES, type ReportName } from '@/lib/reports'
import { at, store } from '../reports/builders'
import { mixedDay } from '../reports/scenario'
import { useReportStore } from '../reports/setup'
import { readPdf } from './pdf-read'

useReportStore('evidence-pack')
afterAll(closeAppStore) // registered after the store's own afterAll, so it runs first: PGlite closes before the dir goes

const period = { from: new Date(at('09-29 00:00')), to: new Date(at('10-04 00:00')) }
const asOf = new Date('2026-12-01T00:00:00.000Z')
type Exported = EvidencePack & { pdf: Buffer }
const packs = new Map<ControlId, Exported>()
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-packs-'))
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }))
let exports = 0

/** An export written to its own file, and the bytes that file holds. */
async function exported(control: ControlId, at = asOf, options: ExportOptions = {}): Promise<Exported> {
  const pack = await exportEvidencePack(cliActor, { control, ...period, asOf: at, out: path.join(outDir, `${++exports}.pdf`) }, options)
  return { ...pack, pdf: fs.readFileSync(pack.out) }
}
const reports = new Map<ReportName, Record<string, unknown>>()

beforeAll(async () => {
  await store(mixedDay())
  const db = await openAppStore()
  const alert = { rule: 'unattributed_ratio', subject: '*', threshold: 0.01, link: '/unattributed', state: 'firing' as const }
  await db.insert(alerts).values([
    { ...alert, value: 0.5, since: new Date(at('10-01 12:00')), openedAt: new Date(at('10-01 13:00')), state: 'acknowledged', acknowledgedBy: 'security@custody.local', acknowledgedAt: new Date(at('10-01 14:00')) },
    { ...alert, rule: 'unresolved_trigger', subject: 'lee@example.com', value: 1, threshold: 0, since: new Date(at('10-01 15:30')), openedAt: new Date(at('10-01 18:00')) },
    // acknowledged only after the as-of: the pack shows it as not acknowledged
    { ...alert, rule: 'use_after_revocation', subject: 'dana@example.com', value: 1, threshold: 0, since: new Date(at('10-01 12:40')), openedAt: new Date(at('10-02 09:00')), state: 'acknowledged', acknowledgedBy: 'late@custody.local', acknowledgedAt: new Date('2026-12-03T00:00:00.000Z') },
    { ...alert, subject: 'outside', value: 0.9, since: new Date(at('11-15 00:00')), openedAt: new Date(at('11-15 00:00')) }, // outside the period
  ])
  // one drawn before the as-of goes into the packs; one drawn after it does not
  await recordSample(cliActor, { population: 'unattributed-actions', ...period, size: 3, seed: 'auditor-seed-1' }, new Date('2026-11-20T00:00:00.000Z'))
  await recordSample(cliActor, { population: 'triggers', ...period, size: 1, seed: 'drawn-later' }, new Date('2026-12-05T00:00:00.000Z'))
  for (const control of CONTROL_IDS) packs.set(control, await exported(control))
  // what `custody report <name> --json` answers for the same period, thresholds and generated_at
  for (const name of REPORT_NAMES) reports.set(name, (await evidenceReport(cliActor, name, period, asOf)) as unknown as Record<string, unknown>)
}, 240_000)

/** `<report>.<path>` as the dashboard addresses it: array entries by their key field (`[billing]`). */
function reportValue(key: string): unknown {
  const [name, ...rest] = key.split('.')
  let value: unknown = reports.get(name as ReportName)
  for (const m of rest.join('.').matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)) {
    if (m[2] !== undefined) value = (value as Record<string, unknown>[]).find((e) => [e.server, e.client, e.identity].includes(m[2]))
    else value = (value as Record<string, unknown>)[m[1]]
  }
  return value
}

// What each control's pack must show, written from evidence.md's table rather than read from controls.ts.
const EXPECTED_METRICS: Record<Exclude<ControlId, 'all'>, string[]> = {
  'CC6.1': [
    'unattributed.total_actions', 'unattributed.attributed_actions', 'unattributed.by_method.credential', 'unattributed.by_method.subject_claim',
    'unattributed.by_method.session', 'unattributed.unattributed_ratio', 'token-age.credentials', 'token-age.age_days.p50', 'token-age.age_days.p95',
    'token-age.age_days.max', 'token-age.over_max_age', 'off-gateway.clients[0oaBOT].grants',
  ],
  'CC6.2': [
    'revocation-latency.triggers', 'revocation-latency.with_live_credentials', 'revocation-latency.unresolved', 'revocation-latency.latency_seconds.p50',
    'revocation-latency.latency_seconds.p95', 'revocation-latency.latency_seconds.max', 'revocation-latency.within_sla', 'revocation-latency.closed_by_expiry',
    'revocation-latency.post_trigger_actions', 'revocation-latency.post_revocation_actions',
  ],
  'CC6.3': ['token-age.credentials', 'token-age.over_max_age', 'token-age.no_expiry', 'token-age.by_type.oauth_access', 'token-age.by_type.pat', 'token-age.by_type.api_key'],
  'CC7.2': [
    'unattributed.unattributed_actions', 'unattributed.unattributed_ratio', 'unattributed.by_reason.no_credential', 'unattributed.by_reason.unknown_credential',
    'unattributed.by_reason.unmapped_subject', 'unattributed.flagged.after_expiry', 'unattributed.flagged.after_revocation',
    'unattributed.flagged.after_deprovision', 'unattributed.flagged.conflict', 'unattributed.denied_requests', 'revocation-latency.post_revocation_actions',
  ],
}

// Each population's row count against the report number that counts it.
const POPULATION_COUNTS: Record<string, string | ((r: typeof reportValue) => number)> = {
  identities: (r) => (r('attribution.identities') as unknown[]).length,
  credentials: 'token-age.credentials',
  'off-gateway-grants': (r) => (r('off-gateway.clients') as { grants: number }[]).reduce((n, c) => n + c.grants, 0),
  triggers: 'revocation-latency.triggers',
  'credentials-over-max-age': 'token-age.over_max_age',
  'credentials-without-expiry': 'token-age.no_expiry',
  'service-accounts': (r) => (r('attribution.identities') as { kind: string }[]).filter((i) => i.kind === 'service').length,
  'unattributed-actions': 'unattributed.unattributed_actions',
  'post-trigger-actions': 'revocation-latency.post_trigger_actions',
}

const REPORT_KEY = /^(unattributed|token-age|revocation-latency|attribution|off-gateway|coverage)\.\S+$/

describe('an evidence pack read back with pdfjs', () => {
  it.each(CONTROL_IDS)('%s: every metric printed equals the report JSON, and none is missing', async (control) => {
    const { lines } = await readPdf(packs.get(control)!.pdf)
    const printed = new Map<string, string>()
    for (const cells of lines) {
      const i = cells.findIndex((c) => REPORT_KEY.test(c))
      if (i >= 0 && cells.length >= i + 2) printed.set(cells[i], cells[i + 1])
    }
    const expected = control === 'all' ? Object.values(EXPECTED_METRICS).flat() : EXPECTED_METRICS[control]
    for (const key of expected) expect(printed.has(key), `${control} shows ${key}`).toBe(true)
    expect(printed.size).toBeGreaterThanOrEqual(new Set(expected).size)
    for (const [key, value] of printed) expect(value, key).toBe(JSON.stringify(reportValue(key)))
  })

  it.each(CONTROL_IDS)("%s: each population's row count equals the report's count, in the attached manifest and on the page", async (control) => {
    const pack = packs.get(control)!
    const { attachments, text } = await readPdf(pack.pdf)
    const manifest = manifestSchema.parse(JSON.parse(attachments['manifest.json'].toString('utf8')))
    expect(manifest.populations.map((p) => p.name)).toEqual(pack.summary.populations.map((p) => p.name))
    expect(manifest.populations.length).toBeGreaterThan(0)
    for (const p of manifest.populations) {
      const count = POPULATION_COUNTS[p.name]
      if (count !== undefined) expect(p.rows, p.name).toBe(typeof count === 'string' ? reportValue(count) : count(reportValue))
      expect(text, p.name).toContain(`${p.name}: `)
      expect(text).toContain(p.rows === 0 ? 'No rows: the population is empty for this period.' : `${p.rows} rows.`)
    }
    expect(manifest).toMatchObject({ control, from: period.from.toISOString(), to: period.to.toISOString(), generated_at: asOf.toISOString() })
  })

  it("hashes each population as the dashboard's CSV download of the same filter", async () => {
    const downloads: Record<string, () => Promise<AsyncIterable<object>>> = {
      credentials: () => allCredentials(cliActor, period, {}),
      'credentials-over-max-age': () => allCredentials(cliActor, period, { over_max_age: true }),
      'credentials-without-expiry': () => allCredentials(cliActor, period, { no_expiry: true }),
      'off-gateway-grants': () => allGrants(cliActor, period, {}),
      triggers: () => allTriggers(cliActor, period, {}, asOf),
      'unattributed-actions': () => allActions(cliActor, period, { reason: 'unattributed' }),
      'flagged-actions': () => allActions(cliActor, period, { flag: 'any' }),
    }
    const columns: Record<string, string[]> = {}
    const { credentialsPopulation } = await import('@/lib/populations/credentials')
    const { grantsPopulation } = await import('@/lib/populations/grants')
    const { triggersPopulation } = await import('@/lib/populations/triggers')
    const { actionsPopulation } = await import('@/lib/populations/actions')
    Object.assign(columns, { credentials: credentialsPopulation.columns, 'credentials-over-max-age': credentialsPopulation.columns, 'credentials-without-expiry': credentialsPopulation.columns, 'off-gateway-grants': grantsPopulation.columns, triggers: triggersPopulation.columns, 'unattributed-actions': actionsPopulation.columns, 'flagged-actions': actionsPopulation.columns })
    const all = packs.get('all')!.summary.populations
    for (const [name, download] of Object.entries(downloads)) {
      const body = Buffer.from(await new Response(csvStream(columns[name], await download())).arrayBuffer())
      expect(all.find((p) => p.name === name)?.sha256, name).toBe(createHash('sha256').update(body).digest('hex'))
    }
  })

  it('lists, per source, the very days without events the coverage report counts', async () => {
    const read = await readPdf(packs.get('CC6.1')!.pdf)
    const lines = read.lines.slice(read.lines.findIndex((l) => l[0] === 'Coverage: days without events in the period'))
    const coverage = reports.get('coverage') as { sources: { source: string; days_without_events: number }[] }
    expect(coverage.sources.length).toBeGreaterThan(0)
    expect(coverage.sources.some((s) => s.days_without_events > 0)).toBe(true)
    for (const s of coverage.sources) {
      const row = lines.find((l) => l[0] === s.source && l.length === 4)
      expect(row, s.source).toBeDefined()
      expect(row![2]).toBe(String(s.days_without_events))
      const listed = row![3] === 'none' ? 0 : row![3].split(', ').reduce((n, r) => n + (r.includes(' – ') ? (Date.parse(r.split(' – ')[1]) - Date.parse(r.split(' – ')[0])) / 86_400_000 + 1 : 1), 0)
      expect(listed, s.source).toBe(s.days_without_events)
    }
  })

  it("states each source's first and last stored event of all time, as the stores hold them", async () => {
    const manifest = manifestSchema.parse(JSON.parse(packs.get('CC6.1')!.manifestFile.toString('utf8')).manifest)
    const stored = await query<{ source: string; first_event: string; last_event: string }>(
      sql`SELECT source, min(time) AS first_event, max(time) AS last_event
        FROM (SELECT toString(source) AS source, time FROM gateway_requests UNION ALL SELECT toString(source), time FROM idp_events)
        GROUP BY source ORDER BY source`,
      { tag: 'test' },
    )
    expect(stored.map((s) => s.source)).toContain('gateway')
    expect(manifest.watermarks.map((w) => [w.source, w.first_event, w.last_event])).toEqual(stored.map((s) => [s.source, isoFromClickHouse.parse(s.first_event), isoFromClickHouse.parse(s.last_event)]))
  })

  it('lists the samples drawn for the period by the as-of time, with their seed and items', async () => {
    const { text } = await readPdf(packs.get('CC6.3')!.pdf)
    const drawn = await drawSample(cliActor, { population: 'unattributed-actions', ...period, size: 3, seed: 'auditor-seed-1', asOf })
    expect(text).toContain('auditor-seed-1')
    expect(text).not.toContain('drawn-later')
    for (const item of drawn.items) expect(text).toContain(String(item.event_id))
  })

  it('CC7.2 lists the alerts raised in the period and who acknowledged them', async () => {
    const { text } = await readPdf(packs.get('CC7.2')!.pdf)
    expect(text).toContain('Alerts raised: 3. Acknowledged: 1.')
    expect(text).toContain('security@custody.local')
    expect(text).not.toContain('late@custody.local')
    expect(text).toContain('unresolved_trigger')
    expect(text).toContain('not acknowledged')
  })

  it('prints the cover: period, generated_at, who, thresholds and the signing key fingerprint', async () => {
    const pack = packs.get('CC6.2')!
    const { text } = await readPdf(pack.pdf)
    const fingerprint = JSON.parse(pack.manifestFile.toString('utf8')).public_key
    expect(text).toContain(`${period.from.toISOString()} to ${period.to.toISOString()}`)
    expect(text).toContain(`Generated at ${asOf.toISOString()}`)
    expect(text).toContain('Generated by system:cli')
    expect(text).toContain('"revocation_sla_seconds":3600')
    expect(text).toContain(fingerprint)
    expect(text).toMatch(/Signing key fingerprint sha256:[0-9a-f]{64}/)
    expect(text).toMatch(/page 3\b/)
  })
})

describe('reproducible and recorded', () => {
  it('two exports with the same --as-of are byte-identical; a different as-of is not', async () => {
    const again = await exported('CC6.2')
    expect(again.pdf.equals(packs.get('CC6.2')!.pdf)).toBe(true)
    expect(again.manifestFile.equals(packs.get('CC6.2')!.manifestFile)).toBe(true)
    const later = await exported('CC6.2', new Date('2026-12-02T00:00:00.000Z'))
    expect(later.pdf.equals(again.pdf)).toBe(false)
  })

  it('gives the same bytes when the populations of one query are read apart (a family past holdRows rows)', async () => {
    const statements: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: string | Uint8Array) =>
      String(chunk).includes('custody: trace') ? Boolean(statements.push(String(chunk))) : write(chunk)) as typeof process.stderr.write)
    process.env.CUSTODY_TRACE = '1'
    let again: Exported
    try {
      again = await exported('all', asOf, { holdRows: 0 })
    } finally {
      delete process.env.CUSTODY_TRACE
      spy.mockRestore()
    }
    expect(again.pdf.equals(packs.get('all')!.pdf)).toBe(true)
    // every family read apart: its query once per population with rows, only the triggers and grants alone
    const reads = (family: string) => statements.filter((s) => s.includes(`clickhouse population:${family}:parts:`)).length
    expect(reads('actions')).toBe(3)
    expect(reads('identities')).toBe(2)
    expect(reads('credentials')).toBe(3)
  })

  it('streams the PDF to its file: the bytes on disk are the ones the manifest file signs and the history records', async () => {
    const pack = packs.get('all')!
    const sha256 = createHash('sha256').update(pack.pdf).digest('hex')
    expect(pack.sha256).toBe(sha256)
    expect(pack.bytes).toBe(pack.pdf.length)
    expect(JSON.parse(pack.manifestFile.toString('utf8')).pdf_sha256).toBe(sha256)
    const db = await openAppStore()
    const [recorded] = await db.select().from(evidenceExports).where(eq(evidenceExports.fileSha256, sha256))
    expect(recorded).toMatchObject({ control: 'all', fileName: pack.fileName })
    expect(fs.readdirSync(outDir).filter((f) => f.includes('.partial-'))).toEqual([]) // nothing half-written left beside it
    expect(verifyPack(pack.pdf, pack.manifestFile).problems).toEqual([])
  })

  it('records every export with its SHA-256 and an audit row', async () => {
    const db = await openAppStore()
    const recorded = await db.select().from(evidenceExports).where(eq(evidenceExports.fileSha256, packs.get('CC7.2')!.sha256))
    expect(recorded[0]).toMatchObject({ control: 'CC7.2', createdBy: 'system:cli', generatedAt: asOf, periodFrom: period.from, periodTo: period.to })
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.action, 'export'))
    expect(audit.some((a) => a.target === 'evidence_pack' && a.detail?.sha256 === packs.get('CC7.2')!.sha256)).toBe(true)
  })

  it('an auditor may not export', async () => {
    const auditor: UserActor = { kind: 'user', id: 'u', email: 'auditor@custody.local', role: 'auditor', sessionId: 's', origin: { ip: null, userAgent: null } }
    await expect(exportEvidencePack(auditor, { control: 'CC6.1', ...period, asOf, out: path.join(outDir, 'refused.pdf') })).rejects.toBeInstanceOf(AccessDenied)
    expect(fs.existsSync(path.join(outDir, 'refused.pdf'))).toBe(false)
  })

  it('a pack for `all` holds the populations of every control', () => {
    const names = packs.get('all')!.summary.populations.map((p) => p.name)
    for (const control of ['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2'] as const) {
      for (const p of packs.get(control)!.summary.populations) expect(names).toContain(p.name)
    }
    expect(reportsOf('all').sort()).toEqual(['attribution', 'off-gateway', 'revocation-latency', 'token-age', 'unattributed'])
  })

  it("`all` reads the populations that are filters of one query in one: the same rows as each control's pack, and each printed with the column that picks its rows", async () => {
    const all = packs.get('all')!
    for (const control of ['CC6.1', 'CC6.2', 'CC6.3', 'CC7.2'] as const) {
      for (const p of packs.get(control)!.summary.populations) expect(all.summary.populations.find((q) => q.name === p.name), p.name).toEqual(p)
    }
    const manifest = manifestSchema.parse(JSON.parse(all.manifestFile.toString('utf8')).manifest)
    const queryOf = (name: string) => manifest.populations.find((p) => p.name === name)!.query_sha256
    expect(new Set(manifest.populations.map((p) => p.query_sha256)).size).toBe(5)
    expect(queryOf('service-accounts')).toBe(queryOf('identities'))
    expect(queryOf('credentials-over-max-age')).toBe(queryOf('credentials'))
    expect(queryOf('credentials-without-expiry')).toBe(queryOf('credentials'))
    expect(queryOf('flagged-actions')).toBe(queryOf('unattributed-actions'))
    expect(queryOf('post-trigger-actions')).toBe(queryOf('unattributed-actions'))
    const { text } = await readPdf(all.pdf)
    const printed = text.replace(/\s+/g, ' ') // the query is wrapped to the page
    for (const part of ['in_identities', 'in_service_accounts', 'in_credentials', 'in_credentials_over_max_age', 'in_credentials_without_expiry', 'in_unattributed_actions', 'in_flagged_actions', 'in_post_trigger_actions']) {
      expect(printed).toContain(`Its rows: those of this query with ${part} = 1`)
      expect(printed).toContain(`AS ${part}`)
    }
    expect(printed).not.toContain('in_triggers')
  })
})
