import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import type { IngestibleSource } from '@/lib/sources'

/**
 * Malformed and adversarial vendor records for fuzzing: real fixture records (whole documents,
 * so page envelopes and exports are fuzzed too) with a few fields deleted, nulled, retyped or
 * replaced by hostile values, and arbitrary JSON.
 */

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures')

/** Every source's fixture files, good and bad: the seeds that mutations start from. */
const SEED_FILES: Record<IngestibleSource, string[]> = {
  okta: dir('okta'),
  entra: dir('entra').concat(dir('entra/tenant')),
  auth0: dir('auth0'),
  keycloak: dir('keycloak'),
  google: dir('google'),
  ocsf: dir('ocsf'),
  gateway: dir('gateway'),
  otlp: dir('otlp').concat(dir('otlp/tenant')),
  keys: dir('keys'),
}

export function seeds(source: IngestibleSource): unknown[] {
  return SEED_FILES[source].flatMap((file) => {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8')
    // the reader hands a JSON array's elements over one by one
    if (!file.endsWith('.ndjson')) return [JSON.parse(text) as unknown].flat()
    return text.split('\n').flatMap((line) => {
      try {
        return line.trim() ? [JSON.parse(line) as unknown] : []
      } catch {
        return []
      }
    })
  })
}

function dir(name: string): string[] {
  return fs.readdirSync(path.join(FIXTURES, name)).filter((f) => /\.(json|ndjson)$/.test(f)).map((f) => `${name}/${f}`)
}

const hostileText = fc.constantFrom(
  '', ' ', '\u0000', '\uffff', '\ud800', 'null', 'undefined', '0', '-1', 'NaN', 'true', '[]', '{}',
  '2026-02-30T25:61:61Z', '1900-01-01T00:00:00Z', '2299-12-31T23:59:59.999Z', '2300-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
  '2026-03-04T10:00:00.0000000001+14:00', '2026-03-04 10:00:00', '1772638212345', '__proto__', 'constructor',
  'eyJhbGciOiJub25lIn0.eyJqdGkiOiJ4In0.', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', "'; DROP TABLE idp_events; --",
  '{name:String}', 'x'.repeat(2_000), '../../etc/passwd', 'a@b', 'DANA.LEE@EXAMPLE.COM',
)
const hostileNumber = fc.constantFrom(0, -1, 1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 1772638212345, 1772638212, 1e21, 253402300800000)
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { '': null }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
)

type Mutation = { at: number; op: 'delete' | 'null' | 'replace' | 'wrap'; value: unknown }
const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('delete', 'null', 'replace', 'replace', 'wrap'),
  value: hostileValue,
})

/** A seed with 1–4 of its fields (at any depth) deleted, nulled, replaced or wrapped in an array. */
export function mutatedRecord(seedRecords: unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...seedRecords), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, mutations]) => mutations.reduce(mutate, structuredClone(seed)))
}

/**
 * Mostly single records (as a page or export expands into them), sometimes whole documents
 * (so `expand` is fuzzed too), sometimes a seed as it is, sometimes any JSON at all.
 */
export function fuzzedRecord(records: unknown[], documents: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: mutatedRecord(records) },
    { weight: 1, arbitrary: mutatedRecord(documents) },
    { weight: 1, arbitrary: fc.constantFrom(...records) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  )
}

function mutate(record: unknown, m: Mutation): unknown {
  const paths = pathsOf(record)
  if (paths.length === 0) return m.value
  const at = paths[m.at % paths.length]
  const parent = at.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], record) as Record<string, unknown>
  const key = at[at.length - 1]
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1)
    else delete parent[key]
  } else if (m.op === 'null') parent[key] = null
  else if (m.op === 'wrap') parent[key] = [parent[key]]
  else parent[key] = m.value
  return record
}

function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return []
  return Object.keys(value).flatMap((key) => [[...prefix, key], ...pathsOf((value as Record<string, unknown>)[key], [...prefix, key])])
}
