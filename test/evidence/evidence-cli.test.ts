import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '@/lib/evidence/canonical'
import { sideFileSchema } from '@/lib/evidence/manifest'
import { keyFingerprint, publicKeyText, sha256Hex, signCanonical } from '@/lib/evidence/signature'
import { verifyPack } from '@/lib/evidence/verify'
import { releaseDataDirLock } from '@/lib/store/lock'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-evidence-cli-'))
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-packs-'))

function custody(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync('npm', ['run', '-s', 'custody', '--', ...args], {
    env: { ...process.env, CUSTODY_DATA_DIR: dataDir, CLICKHOUSE_URL: '', DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

const PERIOD = ['--from', '2026-01-01T00:00:00Z', '--to', '2027-01-01T00:00:00Z']
const AS_OF = ['--as-of', '2026-12-01T00:00:00Z']
const first = path.join(out, 'first.pdf')
const second = path.join(out, 'second.pdf')
let exported: { sha256: string; populations: { name: string; rows: number; sha256: string }[] }
let signer: { fingerprint: string; public_key: string }

beforeAll(() => {
  expect(custody(['ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson']).code).toBe(0)
  expect(custody(['ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson']).code).toBe(0)
  const run = custody(['export', '--control', 'CC6.2', ...PERIOD, '--out', first, ...AS_OF, '--json'])
  expect(run.code, run.stderr).toBe(0)
  exported = JSON.parse(run.stdout)
  const keys = custody(['signing-key', 'show', '--json'])
  expect(keys.code, keys.stderr).toBe(0)
  signer = JSON.parse(keys.stdout)[0]
}, 300_000)

afterAll(() => {
  releaseDataDirLock(dataDir)
  fs.rmSync(dataDir, { recursive: true, force: true })
  fs.rmSync(out, { recursive: true, force: true })
})

const pdfOf = (file: string) => fs.readFileSync(file)
const sideOf = (file: string) => fs.readFileSync(`${file}.manifest.json`)

describe('custody export', () => {
  it('prints exactly the spec object, and writes the PDF and its manifest file beside it', () => {
    expect(Object.keys(exported).sort()).toEqual(['control', 'from', 'generated_at', 'out', 'populations', 'sha256', 'to'])
    expect(exported).toMatchObject({ control: 'CC6.2', from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', generated_at: '2026-12-01T00:00:00.000Z', out: first })
    expect(exported.sha256).toBe(sha256Hex(pdfOf(first)))
    expect(exported.populations.map((p) => p.name)).toEqual(['triggers', 'post-trigger-actions'])
    expect(exported.populations[0]).toEqual({ name: 'triggers', rows: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    const side = sideOf(first)
    expect(canonicalJson(JSON.parse(side.toString('utf8')))).toBe(side.toString('utf8'))
    expect(sideFileSchema.parse(JSON.parse(side.toString('utf8'))).pdf_sha256).toBe(exported.sha256)
  })

  it('gives a byte-identical PDF and manifest file from another process with the same --as-of', () => {
    const run = custody(['export', '--control', 'CC6.2', ...PERIOD, '--out', second, ...AS_OF])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toContain(`SHA-256 ${exported.sha256}`)
    expect(pdfOf(second).equals(pdfOf(first))).toBe(true)
    expect(sideOf(second).equals(sideOf(first))).toBe(true)
  })

  it('checks the stored attribution once for the whole `all` pack, and reads its ten populations in five queries (one per population query they filter)', () => {
    const run = custody(['export', '--control', 'all', ...PERIOD, '--out', path.join(out, 'all.pdf'), ...AS_OF, '--json'], { CUSTODY_TRACE: '1' })
    expect(run.code, run.stderr).toBe(0)
    const listed = (JSON.parse(run.stdout) as { populations: unknown[] }).populations
    expect(listed.length).toBeGreaterThan(5)
    // each check reads the maintenance state first (lib/attribution/maintain: readState)
    expect(run.stderr.match(/clickhouse attribution:state:/g)).toHaveLength(1)
    expect(listed).toHaveLength(10)
    expect(run.stderr.match(/clickhouse population:[a-z-]+:(all|parts):/g)!.sort()).toEqual([
      'clickhouse population:actions:parts:', // unattributed-actions, flagged-actions, post-trigger-actions
      'clickhouse population:credentials:parts:', // credentials, over max age, without expiry
      'clickhouse population:identities:parts:', // identities, service-accounts
      'clickhouse population:off-gateway-grants:all:',
      'clickhouse population:triggers:all:',
    ])
  })

  it('refuses an unknown control, a missing --out or a reversed period with exit 2', () => {
    const unknown = custody(['export', '--control', 'CC9.9', ...PERIOD, '--out', path.join(out, 'x.pdf')])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('--control must be one of: CC6.1, CC6.2, CC6.3, CC7.2, all')
    expect(custody(['export', '--control', 'all', ...PERIOD]).code).toBe(2)
    const reversed = custody(['export', '--control', 'all', '--from', '2026-02-01T00:00:00Z', '--to', '2026-01-01T00:00:00Z', '--out', path.join(out, 'x.pdf')])
    expect(reversed.code).toBe(2)
    expect(reversed.stderr).toContain('--from must be before --to')
    expect(fs.existsSync(path.join(out, 'x.pdf'))).toBe(false)
  })
})

describe('custody verify', () => {
  it('passes the original with no data directory, no ClickHouse and no PostgreSQL, and names the signer', () => {
    const nowhere = path.join(out, 'no-data-dir')
    const env = { CUSTODY_DATA_DIR: nowhere, CLICKHOUSE_URL: 'http://127.0.0.1:9', DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' }
    const run = custody(['verify', first, '--json'], env)
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true, control: 'CC6.2', from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', generated_at: '2026-12-01T00:00:00.000Z',
      key_fingerprint: signer.fingerprint, problems: [],
    })
    expect(fs.existsSync(nowhere)).toBe(false)
  })

  it('--key accepts the public key or its fingerprint, and fails for another key', () => {
    expect(custody(['verify', first, '--key', signer.fingerprint]).code).toBe(0)
    expect(custody(['verify', first, '--key', signer.public_key]).code).toBe(0)
    const other = keyFingerprint(publicKeyText(generateKeyPairSync('ed25519').publicKey))
    const run = custody(['verify', first, '--key', other, '--json'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout).problems).toEqual([`signed by another key: ${signer.fingerprint}, not ${other}`])
    expect(custody(['verify', first, '--key', 'not-a-key']).code).toBe(2)
    expect(custody(['verify']).code).toBe(2)
    expect(custody(['verify', path.join(out, 'missing.pdf')]).code).toBe(2)
  })

  it('fails each of 100 random one-byte changes to the PDF, saying the PDF was changed', () => {
    const pdf = pdfOf(first), side = sideOf(first)
    fc.assert(
      fc.property(fc.nat({ max: pdf.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Buffer.from(pdf)
        changed[at] = (changed[at] + delta) % 256
        const result = verifyPack(changed, side)
        return !result.ok && result.problems.some((p) => p.startsWith('the PDF was changed'))
      }),
      { numRuns: 100, seed: 12 },
    )
  })

  it('fails each of 100 random one-byte changes to the manifest file', () => {
    const pdf = pdfOf(first), side = sideOf(first)
    fc.assert(
      fc.property(fc.nat({ max: side.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = Buffer.from(side)
        changed[at] = (changed[at] + delta) % 256
        const result = verifyPack(pdf, changed)
        return !result.ok && result.problems.length > 0
      }),
      { numRuns: 100, seed: 12 },
    )
  })

  it('exits 1 from the command line on a changed PDF and on a changed manifest file, saying what', () => {
    const pdf = Buffer.from(pdfOf(first))
    pdf[pdf.length >> 1] ^= 0x01
    const tampered = path.join(out, 'tampered.pdf')
    fs.writeFileSync(tampered, pdf)
    fs.copyFileSync(`${first}.manifest.json`, `${tampered}.manifest.json`)
    const run = custody(['verify', tampered])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('the PDF was changed')
    const edited = path.join(out, 'edited.pdf')
    fs.copyFileSync(first, edited)
    fs.writeFileSync(`${edited}.manifest.json`, sideOf(first).toString('utf8').replace('"rows":1', '"rows":0'))
    const run2 = custody(['verify', edited, '--json'])
    expect(run2.code).toBe(1)
    expect(JSON.parse(run2.stdout).problems).toContain('the manifest file’s signature does not hold for its manifest and pdf_sha256')
    fs.copyFileSync(first, path.join(out, 'alone.pdf'))
    expect(custody(['verify', path.join(out, 'alone.pdf')]).code).toBe(1)
  })

  it('fails a pack whose manifest file another key re-signed: the signature attached to the PDF no longer holds', () => {
    const other = generateKeyPairSync('ed25519')
    const side = sideFileSchema.parse(JSON.parse(sideOf(first).toString('utf8')))
    const signed = { manifest: side.manifest, pdf_sha256: side.pdf_sha256 }
    const forged = Buffer.from(canonicalJson({ ...signed, public_key: publicKeyText(other.publicKey), signature: signCanonical(signed, other.privateKey) }))
    const result = verifyPack(pdfOf(first), forged)
    expect(result.ok).toBe(false)
    expect(result.problems).toEqual(['the signature attached to the PDF (manifest.sig) does not hold for its manifest.json'])
    expect(verifyPack(pdfOf(first), forged, { fingerprint: signer.fingerprint }).problems).toContain(`signed by another key: ${keyFingerprint(publicKeyText(other.publicKey))}, not ${signer.fingerprint}`)
  })

  it('reads the thresholds in force as the last export kept them while the app store is unchanged, and the store again after a change', () => {
    const exportCC72 = (name: string) => {
      const file = path.join(out, name)
      const run = custody(['export', '--control', 'CC7.2', ...PERIOD, '--out', file, ...AS_OF, '--json'], { CUSTODY_TRACE: '1' })
      expect(run.code, run.stderr).toBe(0)
      return { kept: run.stderr.includes('app-store thresholds:unchanged'), thresholds: sideFileSchema.parse(JSON.parse(sideOf(file).toString('utf8'))).manifest.thresholds }
    }
    // the exports before wrote their records and kept the thresholds after
    expect(exportCC72('kept.pdf')).toMatchObject({ kept: true, thresholds: { version: 0, unattributed_ratio: 0.01 } })
    const settings = path.join(out, 'ratio.json')
    fs.writeFileSync(settings, JSON.stringify({ unattributed_ratio: 0.5 }))
    const set = custody(['thresholds', 'set', settings, '--reason', 'pilot', '--json'])
    expect(set.code, set.stderr).toBe(0)
    expect(exportCC72('changed.pdf')).toMatchObject({ kept: false, thresholds: { version: 1, unattributed_ratio: 0.5 } })
    expect(exportCC72('kept-again.pdf')).toMatchObject({ kept: true, thresholds: { version: 1, unattributed_ratio: 0.5 } })
  })

  it("records each export in the history and the audit trail (the CLI writes them from the app store's worker thread)", async () => {
    const store = await PGlite.create(path.join(dataDir, 'postgres'))
    try {
      const history = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence_exports WHERE file_sha256 = $1', [exported.sha256])
      const audit = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'export' AND detail->>'sha256' = $1", [exported.sha256])
      // the first export and the byte-identical second one
      expect(history.rows[0].n).toBe(2)
      expect(audit.rows[0].n).toBe(2)
    } finally {
      await store.close()
    }
  })

  it('after a key rotation, new packs are signed by the new key and old packs still verify with the old one', () => {
    const rotated = custody(['signing-key', 'rotate', '--json'])
    expect(rotated.code, rotated.stderr).toBe(0)
    const [active] = JSON.parse(rotated.stdout)
    expect(active.fingerprint).not.toBe(signer.fingerprint)
    const third = path.join(out, 'third.pdf')
    expect(custody(['export', '--control', 'CC6.2', ...PERIOD, '--out', third, ...AS_OF]).code).toBe(0)
    expect(custody(['verify', third, '--key', active.fingerprint]).code).toBe(0)
    expect(custody(['verify', third, '--key', signer.fingerprint]).code).toBe(1)
    expect(custody(['verify', first, '--key', signer.fingerprint]).code).toBe(0)
    const listed = JSON.parse(custody(['signing-key', 'show', '--json']).stdout)
    expect(listed.map((k: { fingerprint: string }) => k.fingerprint)).toEqual([active.fingerprint, signer.fingerprint])
    expect(listed[1].retired_at).not.toBeNull()
  })
})
