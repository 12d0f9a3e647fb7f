/** What Next hands a page as its query string. */
export type SearchRecord = Record<string, string | string[] | undefined>
export type Search = Promise<SearchRecord>

export function toParams(record: SearchRecord): URLSearchParams {
  return new URLSearchParams(Object.entries(record).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : (v ?? []).map((x) => [k, x]))))
}

/** The same view with some parameters changed (null removes one): filters, sort and page live in the URL. */
export function hrefWith(path: string, params: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(params)
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') next.delete(k)
    else next.set(k, v)
  }
  const qs = next.toString()
  return qs ? `${path}?${qs}` : path
}

/** The period as query parameters, for links from one page to another over the same period. */
export function periodQuery(period: { from: Date; to: Date }): Record<string, string> {
  return { from: period.from.toISOString(), to: period.to.toISOString() }
}

export function hrefTo(path: string, query: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]))
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

/** A dynamic route segment as written in the URL (`client%3A0oa…` → `client:0oa…`), whether or not Next already decoded it. */
export function segment(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
