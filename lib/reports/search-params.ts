import { z } from 'zod'

/** A page's `searchParams` (Next) or a route handler's `URL.searchParams`. */
export type SearchParams = URLSearchParams | Record<string, string | string[] | undefined>

/** A query-string parameter a page or route cannot use; `field` names it. */
export class InvalidParameter extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidParameter'
  }
}

/** The first value of each parameter; empty values count as absent (a form's blank field). */
export function firstValues(params: SearchParams): Record<string, string> {
  const entries: [string, string | undefined][] =
    params instanceof URLSearchParams ? [...params] : Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
  const first: Record<string, string> = {}
  for (const [key, value] of entries) if (typeof value === 'string' && value !== '' && !(key in first)) first[key] = value
  return first
}

/** Parses `params` with `schema`, or throws InvalidParameter naming the first bad field. */
export function parseParams<T>(schema: z.ZodType<T>, params: SearchParams): T {
  const parsed = schema.safeParse(firstValues(params))
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = String(issue.path[0] ?? 'query')
  throw new InvalidParameter(field, issue.message)
}

/** A `true` / `false` parameter (a list's yes-or-no filter). */
export function booleanParam(field: string) {
  return z.enum(['true', 'false'], { message: `${field} must be true or false` }).transform((v) => v === 'true').optional()
}
