import { z } from 'zod'

/**
 * A population's row schema as the decoder of a query's rows, each the array of the values of `names` (the query's
 * columns in order; a column the schema does not name is left out): the same answer as `schema.parse` of the row
 * as an object (the same rows accepted, the same values, zod's own error naming the column for a row it rejects),
 * without zod's walk of the whole schema per row. How each column is decoded is worked out once per query from its
 * schema: plain strings, numbers, booleans and enums are checked in place, nullable, unions and transforms (times,
 * flags) composed from them; any other column is parsed by its own schema. A value any of them refuses sends the
 * whole row through `schema.parse`, which throws.
 */
export function rowDecoder<Row>(schema: z.ZodType<Row, unknown>, names: readonly string[]): (values: unknown[]) => Row {
  const parse = (values: unknown[]): Row => schema.parse(Object.fromEntries(names.map((name, i) => [name, values[i]])))
  if (!(schema instanceof z.ZodObject) || schema.def.catchall !== undefined) return parse
  const shape = schema.shape as Record<string, z.ZodType>
  const columns = Object.entries(shape).map(([name, column]) => ({ name, at: names.indexOf(name), decode: decoderOf(column) ?? parsedBy(column) }))
  return (values) => {
    const row: Record<string, unknown> = {}
    for (const { name, at, decode } of columns) {
      const decoded = at < 0 ? REFUSED : decode(values[at])
      if (decoded === REFUSED) return parse(values)
      row[name] = decoded
    }
    return row as Row
  }
}

const REFUSED = Symbol('refused')
type Decode = (v: unknown) => unknown
type TransformPayload = { value: unknown; issues: unknown[]; addIssue(issue: unknown): void }

// A column's value as its schema gives it, or REFUSED; null when the schema is not one of the kinds composed here.
function decoderOf(column: z.ZodType): Decode | null {
  if (column instanceof z.ZodString) return column.def.checks?.length ? null : (v) => (typeof v === 'string' ? v : REFUSED)
  if (column instanceof z.ZodNumber) return column.def.checks?.length || column.def.coerce ? null : (v) => (typeof v === 'number' && Number.isFinite(v) ? v : REFUSED)
  if (column instanceof z.ZodBoolean) return column.def.coerce ? null : (v) => (typeof v === 'boolean' ? v : REFUSED)
  if (column instanceof z.ZodEnum) {
    const options = new Set<unknown>(column.options)
    return (v) => (options.has(v) ? v : REFUSED)
  }
  if (column instanceof z.ZodNullable) {
    const inner = decoderOf(column.def.innerType as z.ZodType)
    return inner && ((v) => (v === null ? null : inner(v)))
  }
  if (column instanceof z.ZodUnion) {
    const options = (column.def.options as z.ZodType[]).map(decoderOf)
    if (options.some((o) => o === null)) return null
    // zod's union gives the first option that accepts the value
    return (v) => {
      for (const option of options as Decode[]) {
        const decoded = option(v)
        if (decoded !== REFUSED) return decoded
      }
      return REFUSED
    }
  }
  if (column instanceof z.ZodPipe && column.def.out instanceof z.ZodTransform) {
    const input = decoderOf(column.def.in as z.ZodType)
    const transform = column.def.out.def.transform as (v: unknown, payload: TransformPayload) => unknown
    // what zod hands a transform: the value, and where the transform adds an issue (the row is then parsed by zod, which reports it)
    const payload: TransformPayload = { value: undefined, issues: [], addIssue: (issue) => void payload.issues.push(issue) }
    return (
      input &&
      ((v) => {
        const checked = input(v)
        if (checked === REFUSED) return REFUSED
        payload.value = checked
        payload.issues.length = 0
        const out = transform(checked, payload)
        return payload.issues.length > 0 || out instanceof Promise ? REFUSED : out
      })
    )
  }
  return null
}

function parsedBy(column: z.ZodType): Decode {
  return (v) => {
    const parsed = v === undefined ? undefined : column.safeParse(v)
    return parsed?.success ? parsed.data : REFUSED
  }
}
