import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { actionsPopulation } from '@/lib/populations/actions'
import { credentialsPopulation } from '@/lib/populations/credentials'
import { grantsPopulation } from '@/lib/populations/grants'
import { identitiesPopulation } from '@/lib/populations/identities'
import type { Population } from '@/lib/populations/population'
import { rowDecoder } from '@/lib/populations/row-decoder'
import { triggersPopulation } from '@/lib/populations/triggers'

const POPULATIONS = [actionsPopulation, credentialsPopulation, grantsPopulation, identitiesPopulation, triggersPopulation] as Population<object>[]

// What ClickHouse's JSON may carry in a column, right or wrong for it; `MISSING` drops the column from the row.
const MISSING = Symbol('missing')
const VALUES: unknown[] = ['', 'credential', 'person', 'service', 'unmapped_subject', 'alice@example.com', '2026-10-01T12:00:00.123Z', '2026-10-01 12:00:00.123', 'not a time', '17', 0, 1, 2.5, -3, true, false, null, MISSING, {}, []]

type Outcome = { ok: true; row: unknown } | { ok: false; issues: unknown }

// zod's issues, or the error a column's transform throws (a time that is no time)
function outcome(parse: () => unknown): Outcome {
  try {
    return { ok: true, row: parse() }
  } catch (err) {
    return { ok: false, issues: err instanceof z.ZodError ? err.issues : String(err) }
  }
}

function rowOf(columns: readonly string[], values: unknown[]): Record<string, unknown> {
  return Object.fromEntries(columns.flatMap((c, i) => (values[i] === MISSING ? [] : [[c, values[i]]])))
}

/** A row each of whose columns holds the first of VALUES its schema accepts. */
function validRow(p: Population<object>): unknown[] {
  const shape = (p.row as z.ZodObject).shape as Record<string, z.ZodType>
  return p.columns.map((c) => VALUES.find((v) => v !== MISSING && outcome(() => shape[c].parse(v)).ok))
}

describe('a population row decoder', () => {
  it.each(POPULATIONS.map((p) => [p.name, p] as const))('%s: gives what zod gives for every row, the rows it rejects with the same error', (_, p) => {
    const decode = rowDecoder(p.row, p.columns)
    const valid = validRow(p)
    expect(valid.every((v) => v !== undefined)).toBe(true)
    const changes = fc.array(fc.tuple(fc.nat(p.columns.length - 1), fc.constantFrom(...VALUES)), { maxLength: 3 })
    fc.assert(
      fc.property(changes, (changed) => {
        const values = [...valid]
        for (const [i, v] of changed) values[i] = v
        const row = rowOf(p.columns, values)
        expect(outcome(() => decode(values.map((v) => (v === MISSING ? undefined : v))))).toEqual(outcome(() => p.row.parse(row)))
      }),
      { numRuns: 400 },
    )
  })

  it("reports a transform's own issue as zod does", () => {
    const schema = z.object({
      id: z.string(),
      at: z.string().transform((t, ctx) => {
        if (!t.endsWith('Z')) ctx.addIssue({ code: 'custom', message: 'at must be UTC' })
        return t
      }),
    })
    const decode = rowDecoder(schema, ['id', 'at'])
    expect(decode(['a', '2026-10-01T00:00:00Z'])).toEqual({ id: 'a', at: '2026-10-01T00:00:00Z' })
    expect(outcome(() => decode(['b', '2026-10-01T00:00:00+02:00']))).toEqual(outcome(() => schema.parse({ id: 'b', at: '2026-10-01T00:00:00+02:00' })))
    expect(() => decode(['b', '2026-10-01T00:00:00+02:00'])).toThrow(/at must be UTC/)
    expect(decode(['c', '2026-10-02T00:00:00Z'])).toEqual({ id: 'c', at: '2026-10-02T00:00:00Z' })
  })

  it('rejects a row with a value of the wrong type, naming its column, and keeps decoding the rows after it', () => {
    // the columns as a query selects them: the key first, then a part's column the schema does not name
    const names = ['time', 'event_id', ...actionsPopulation.columns.filter((c) => c !== 'time' && c !== 'event_id'), 'in_flagged_actions']
    const decode = rowDecoder(actionsPopulation.row, names)
    const good = rowOf(actionsPopulation.columns, validRow(actionsPopulation as Population<object>))
    const values = (row: Record<string, unknown>) => [...names.slice(0, -1).map((n) => row[n]), 1]
    expect(() => decode(values({ ...good, identity: 42 }))).toThrow(/identity/)
    expect(() => decode(values({ ...good, method: 'telepathy' }))).toThrow(/method/)
    expect(() => decode(values({ ...good, after_expiry: 'yes' }))).toThrow(/after_expiry/)
    expect(decode(values(good))).toEqual(actionsPopulation.row.parse(good))
  })
})
