import type { z } from 'zod'
import { attributionReport, attributionReportSchema } from './attribution'
import type { ReportOptions } from './common'
import { coverageReport, coverageReportSchema } from './coverage'
import { offGatewayReport, offGatewayReportSchema } from './off-gateway'
import { revocationLatencyReport, revocationLatencyReportSchema } from './revocation-latency'
import { tokenAgeReport, tokenAgeReportSchema } from './token-age'
import { unattributedReport, unattributedReportSchema } from './unattributed'

export type { ReportOptions } from './common'
export { DEFAULT_THRESHOLDS, thresholdsSchema, type Thresholds } from './thresholds'

/** Every report by its name (`custody report <name>`, the HTTP API, the pages). */
export const REPORTS = {
  unattributed: unattributedReport,
  'token-age': tokenAgeReport,
  'revocation-latency': revocationLatencyReport,
  attribution: attributionReport,
  'off-gateway': offGatewayReport,
  coverage: coverageReport,
} satisfies Record<string, (opts: ReportOptions) => Promise<{ report: string }>>

export type ReportName = keyof typeof REPORTS
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[]

/** The JSON each report answers, for validating API responses and CLI output. */
export const REPORT_SCHEMAS = {
  unattributed: unattributedReportSchema,
  'token-age': tokenAgeReportSchema,
  'revocation-latency': revocationLatencyReportSchema,
  attribution: attributionReportSchema,
  'off-gateway': offGatewayReportSchema,
  coverage: coverageReportSchema,
} satisfies Record<ReportName, z.ZodType>

export function isReportName(name: string): name is ReportName {
  return Object.hasOwn(REPORTS, name)
}

export function runReport<N extends ReportName>(name: N, opts: ReportOptions): ReturnType<(typeof REPORTS)[N]> {
  return REPORTS[name](opts) as ReturnType<(typeof REPORTS)[N]>
}
