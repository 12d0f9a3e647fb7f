import { z } from 'zod'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { attributionReady } from '@/lib/attribution/maintain'
import { thresholdsSchema, type Thresholds } from './thresholds'

/** What every report is asked with: a half-open period `[from, to)` and the thresholds in force. */
export type ReportOptions = { from: Date; to: Date; thresholds: Thresholds; now?: Date }

/** The keys every report carries (metrics.md, Reports). */
export function reportHeaderSchema<N extends string>(name: N) {
  return z.object({
    report: z.literal(name),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    generated_at: z.iso.datetime(),
    thresholds: thresholdsSchema,
  })
}

export function reportHeader<N extends string>(name: N, opts: ReportOptions, generatedAt: Date) {
  if (!(opts.from < opts.to)) throw new Error(`report ${name}: from must be before to`)
  return {
    report: name,
    from: opts.from.toISOString(),
    to: opts.to.toISOString(),
    generated_at: generatedAt.toISOString(),
    thresholds: opts.thresholds,
  }
}

/** How report queries run: counts as JSON numbers, named tuples as objects, materialized CTEs (see lib/attribution/cte.ts). */
export const REPORT_QUERY_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_named_tuples_as_objects: 1,
  enable_materialized_cte: 1,
  // every copy of a request, and every version of an action, has the same time, so the same monthly partition
  do_not_merge_across_partitions_select_final: 1,
}

/** Runs a report's one query and returns its one row, validated. Counts come back as numbers. */
export async function reportRow<T>(fragment: SqlFragment, schema: z.ZodType<T>, tag: string): Promise<T> {
  await attributionReady()
  const rows = await query<unknown>(fragment, {
    tag: `report:${tag}`,
    settings: REPORT_QUERY_SETTINGS,
  })
  if (rows.length !== 1) throw new Error(`report ${tag}: expected one row, got ${rows.length}`)
  return schema.parse(rows[0])
}

/**
 * Nearest-rank percentile of a sorted array expression: the value at 1-based rank
 * ceil(p/100 * n), computed in integers so no float rounding moves the rank; null when n = 0.
 */
export function nearestRank(sorted: SqlFragment, percent: number): SqlFragment {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new Error(`nearestRank: ${percent}`)
  return sql`if(empty(${sorted}), NULL, arrayElement(${sorted}, intDiv(${percent} * length(${sorted}) + 99, 100)))`
}

// Already the form toISOString gives (a DateTime64(3)): a population's every row has one or two, so no Date is made for it.
const ISO_WITH_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** ClickHouse's ISO output ('2026-10-03T14:22:05.118Z' or without ms) as ISO 8601 UTC with ms. */
export const isoFromClickHouse = z.string().transform((t) => (ISO_WITH_MS.test(t) ? t : new Date(t.endsWith('Z') ? t : `${t}Z`).toISOString()))

export const count = z.coerce.number().int().nonnegative()
