import { z } from 'zod'
import { query, type SqlFragment } from '@/lib/clickhouse'
import { isoFromClickHouse, REPORT_QUERY_SETTINGS } from '@/lib/reports/common'
import type { ThresholdSettings } from '@/lib/thresholds/settings'

/** What a rule is evaluated against: the settings in force and the newest event stored, where every window ends (never the clock). */
export type RuleInput = { newest: Date; settings: ThresholdSettings }

/** One subject breaking a rule, as the rule's query found it. */
export type Breach = { subject: string; value: number; threshold: number; since: Date; link: string }

const breachRow = z.object({ subject: z.string(), value: z.coerce.number(), since: isoFromClickHouse })
export type BreachRow = z.infer<typeof breachRow>

/** Runs one rule's query: it answers only the breaching subjects, as (subject, value, since, …). */
export async function breachRows<Extra extends z.ZodRawShape>(fragment: SqlFragment, rule: string, extra?: Extra) {
  const schema = extra ? breachRow.extend(extra) : breachRow
  const rows = await query<unknown>(fragment, { tag: `alert:${rule}`, settings: REPORT_QUERY_SETTINGS })
  return rows.map((r) => schema.parse(r)) as (BreachRow & z.infer<z.ZodObject<Extra>>)[]
}

/** A dashboard page and the filter that lists a breach's evidence (dashboard.md: every view is a link). */
export function evidenceLink(path: string, params: Record<string, string | Date | undefined>): string {
  const filter = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value instanceof Date) filter.set(key, value.toISOString())
    else if (value) filter.set(key, value)
  }
  return `${path}?${filter}`
}

/** The end of a page period that still holds the newest event (pages take half-open periods). */
export const through = (newest: Date) => new Date(newest.getTime() + 1)

export const hoursBefore = (t: Date, hours: number) => new Date(t.getTime() - hours * 3_600_000)
