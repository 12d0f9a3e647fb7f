import { parseArgs } from 'node:util'
import { z } from 'zod'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { cliActor } from '@/lib/auth/actor'
import { REPORT_NAMES, type ReportName } from '@/lib/reports'
import { evidenceReport } from '@/lib/reports/run'
import { loadConfig } from '@/lib/config'
import { DataDirBusyError } from '@/lib/store/lock'
import { reportThroughDashboard, runningDashboard } from './handoff'
import { embeddedThresholdsInForce } from './report-thresholds'
import { UsageError } from './usage'

const isoTime = (flag: string) =>
  z.iso.datetime({ offset: true, message: `${flag} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((s) => new Date(s))

const argsSchema = z
  .object({
    name: z.enum(REPORT_NAMES as [ReportName, ...ReportName[]], { message: `the report must be one of: ${REPORT_NAMES.join(', ')}` }),
    from: isoTime('--from'),
    to: isoTime('--to'),
  })
  .refine((a) => a.from < a.to, { message: '--from must be before --to' })

/** `custody report <name> --from --to --json`: the report's JSON object and nothing else on stdout. */
export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseReportArgs(argv)
  const period = { from: args.from, to: args.to }
  let report: unknown
  // both stores at once: the thresholds' read starts (from what the last start read, or PGlite in a worker thread)
  // while chDB opens. The report awaits the same promises, so a failure (the dashboard owns the data dir) surfaces there.
  const thresholds = embeddedThresholdsInForce()
  Promise.all([thresholds, clickhouseReady()]).catch(() => undefined)
  try {
    report = await evidenceReport(cliActor, args.name, period, undefined, thresholds ? () => thresholds : undefined)
  } catch (err) {
    // the dashboard owns the embedded stores: it answers the report (intake.md)
    const dashboard = err instanceof DataDirBusyError ? runningDashboard(loadConfig().dataDir) : null
    if (!dashboard) throw err
    report = await reportThroughDashboard(dashboard, args.name, period)
  }
  process.stdout.write(JSON.stringify(report) + '\n')
  return 0
}

function parseReportArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (parsed.positionals.length !== 1) throw new UsageError('name exactly one report')
  const result = argsSchema.safeParse({ name: parsed.positionals[0], from: parsed.values.from ?? '', to: parsed.values.to ?? '' })
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '))
  return result.data
}
