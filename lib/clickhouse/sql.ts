/**
 * A `sql` tagged template whose holes become typed server-side parameters
 * (`{p0:String}`), so a value can never change the shape of a query.
 * Raw text enters only through `unsafeRawSql`, named loudly on purpose.
 */
export type SqlQuery = {
  readonly text: string
  readonly params: Record<string, unknown>
}

const RAW = Symbol('raw-sql')
const TYPED = Symbol('typed-param')
type RawSql = { [RAW]: string }
type TypedParam = { [TYPED]: true; value: unknown; type: string }
type Fragment = { readonly parts: Array<{ text: string } | { value: unknown; type: string }> }

const FRAGMENT = Symbol('sql-fragment')
export type SqlFragment = Fragment & { [FRAGMENT]: true }

/** Identifiers and keywords that cannot be parameters (table names, ON CLUSTER). */
export function unsafeRawSql(text: string): RawSql {
  return { [RAW]: text }
}

/** A value with an explicit ClickHouse type, e.g. `typed(ts, 'DateTime64(3, \'UTC\')')`. */
export function typed(value: unknown, type: string): TypedParam {
  return { [TYPED]: true, value, type }
}

export function sql(strings: TemplateStringsArray, ...holes: unknown[]): SqlFragment {
  const parts: Fragment['parts'] = []
  strings.forEach((s, i) => {
    parts.push({ text: s })
    if (i < holes.length) parts.push(...holeParts(holes[i]))
  })
  return { [FRAGMENT]: true, parts }
}

/** Joins fragments with a separator (e.g. `, ` or ` AND `). */
export function joinSql(fragments: SqlFragment[], separator: string): SqlFragment {
  const parts: Fragment['parts'] = []
  fragments.forEach((f, i) => {
    if (i > 0) parts.push({ text: separator })
    parts.push(...f.parts)
  })
  return { [FRAGMENT]: true, parts }
}

function holeParts(hole: unknown): Fragment['parts'] {
  if (hole && typeof hole === 'object') {
    if (FRAGMENT in hole) return (hole as SqlFragment).parts
    if (RAW in hole) return [{ text: (hole as RawSql)[RAW] }]
    if (TYPED in hole) {
      const t = hole as TypedParam
      return [{ value: encodeValue(t.value), type: t.type }]
    }
  }
  return [{ value: encodeValue(hole), type: inferType(hole) }]
}

export function render(fragment: SqlFragment): SqlQuery {
  let text = ''
  const params: Record<string, unknown> = {}
  let n = 0
  for (const part of fragment.parts) {
    if ('text' in part) text += part.text
    else {
      const name = `p${n++}`
      params[name] = part.value
      text += `{${name}:${part.type}}`
    }
  }
  return { text, params }
}

function inferType(value: unknown): string {
  if (typeof value === 'string') return 'String'
  if (typeof value === 'boolean') return 'Bool'
  if (typeof value === 'bigint') return 'Int64'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`sql: cannot bind non-finite number ${value}`)
    return Number.isInteger(value) ? 'Int64' : 'Float64'
  }
  if (value instanceof Date) return "DateTime64(3, 'UTC')"
  if (Array.isArray(value)) {
    if (value.length === 0) return 'Array(String)'
    return `Array(${inferType(value[0])})`
  }
  throw new TypeError(`sql: cannot infer a ClickHouse type for ${value === null ? 'null' : typeof value}; use typed()`)
}

/** ClickHouse parses DateTime64 parameters from 'YYYY-MM-DD hh:mm:ss.sss'. */
export function encodeValue(value: unknown): unknown {
  if (value instanceof Date) return toClickHouseTime(value)
  if (Array.isArray(value)) return value.map(encodeValue)
  return value
}

export function toClickHouseTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}
