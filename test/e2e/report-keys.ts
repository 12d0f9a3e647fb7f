import { expect, type APIRequestContext, type Page } from '@playwright/test'

/** Array entries in a `data-metric` path are addressed by their key field (dashboard.md). */
const KEY_FIELDS = ['server', 'client', 'identity', 'source']

/**
 * The value a `data-metric` path names in a report's JSON: `unattributed.by_server[billing].unattributed`
 * → report `unattributed`, then `by_server`, the entry whose key field is `billing`, then `unattributed`.
 */
export function metricValue(report: unknown, path: string): unknown {
  let node: unknown = report
  for (const step of path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) {
    if (step.startsWith('[')) {
      const key = step.slice(1, -1)
      const entries = node as Record<string, unknown>[]
      node = entries.find((e) => KEY_FIELDS.some((f) => e[f] === key))
      if (node === undefined) throw new Error(`no entry [${key}] in ${path}`)
    } else {
      node = (node as Record<string, unknown>)[step]
    }
  }
  return node
}

/** Splits `token-age.buckets.<=1` into the report name and the JSON path inside it. */
export function splitMetric(metric: string): { report: string; path: string } {
  const names = ['revocation-latency', 'token-age', 'off-gateway', 'unattributed', 'attribution', 'coverage']
  const report = names.find((n) => metric.startsWith(`${n}.`))
  if (!report) throw new Error(`data-metric ${metric} names no report`)
  return { report, path: metric.slice(report.length + 1) }
}

/** The reports' JSON for one period from the API, each fetched once. */
export function reportFetcher(request: APIRequestContext, period: { from: string; to: string }) {
  const cache = new Map<string, Promise<unknown>>()
  return (name: string) => {
    if (!cache.has(name)) {
      cache.set(
        name,
        request.get(`/api/reports/${name}?from=${period.from}&to=${period.to}`).then(async (res) => {
          expect(res.status(), `GET /api/reports/${name}`).toBe(200)
          return res.json()
        }),
      )
    }
    return cache.get(name)!
  }
}

/** Waits until every streamed section has arrived (no loading placeholder left). */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('.loading')).toHaveCount(0, { timeout: 30_000 })
}

/** Every `data-metric` on the page against the report JSON; returns how many were checked. */
export async function expectMetricsMatchReports(page: Page, report: (name: string) => Promise<unknown>): Promise<number> {
  await settled(page)
  const shown = await page.locator('[data-metric]').evaluateAll((els) =>
    els.map((e) => ({ metric: e.getAttribute('data-metric')!, value: e.getAttribute('data-value')! })),
  )
  for (const { metric, value } of shown) {
    const { report: name, path } = splitMetric(metric)
    const expected = metricValue(await report(name), path)
    expect(value, `${page.url()} ${metric}`).toBe(expected === null ? 'null' : String(expected))
  }
  return shown.length
}

/** Records of an RFC 4180 body (quoted fields may hold commas, quotes and line breaks). */
export function csvRecords(body: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') record.push(field), (field = '')
    else if (c === '\n' || (c === '\r' && body[i + 1] === '\n')) {
      if (c === '\r') i++
      record.push(field), records.push(record), (record = []), (field = '')
    } else field += c
  }
  if (field !== '' || record.length) record.push(field), records.push(record)
  return records
}
