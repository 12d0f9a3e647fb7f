import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { evaluateAlertsAfterIngest } from '@/lib/alerts/evaluate'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { loadConfig } from '@/lib/config'
import { fileInput } from '@/lib/ingest/reader'
import { ingest, type IngestSummary } from '@/lib/ingest/pipeline'
import { summaryJson } from '@/lib/ingest/summary-json'
import { maxRecordBytesSchema } from '@/lib/ingest/record-limits'
import type { Handoff } from '@/lib/intake/local-handoff'
import { sourceParser, INGESTIBLE_SOURCES } from '@/lib/sources'
import { DataDirBusyError } from '@/lib/store/lock'
import { ingestThroughDashboard, runningDashboard } from './handoff'
import { ProgressBar, knownSize } from './progress'
import { UsageError } from './usage'

const argsSchema = z.object({
  source: z.enum(INGESTIBLE_SOURCES, { message: `--source must be one of: ${INGESTIBLE_SOURCES.join(', ')}` }),
  files: z.array(z.string().min(1)).min(1, 'name at least one file, or - for standard input'),
  json: z.boolean(),
  maxRecordBytes: maxRecordBytesSchema.optional(),
})

export async function ingestCommand(argv: string[]): Promise<number> {
  const args = parseIngestArgs(argv)
  const dashboard = await ownStoresOrDashboard()
  let total: IngestSummary | undefined
  for (const file of args.files) {
    if (dashboard) {
      const summary = await ingestThroughDashboard(dashboard, args.source, file)
      total = total ? merge(total, summary) : summary
      continue
    }
    const bar = new ProgressBar(file === '-' ? 'stdin' : file, knownSize(file))
    const summary = await ingest(sourceParser(args.source), [fileInput(file)], {
      maxRecordBytes: args.maxRecordBytes,
      onProgress: (p) => bar.update(p.records, p.chars),
    })
    bar.done()
    total = total ? merge(total, summary) : summary
  }
  const summary = total as IngestSummary
  // a dashboard that took the records evaluates them itself
  if (!dashboard) await evaluateAfterIngest()
  process.stdout.write(args.json ? JSON.stringify(summaryJson(summary)) + '\n' : humanSummary(summary))
  return summary.rejected > 0 ? 1 : 0
}

/**
 * null when this process may open the stores; the running dashboard when it owns them
 * (intake.md: the CLI then hands its records to the dashboard's intake and never fails for that).
 */
async function ownStoresOrDashboard(): Promise<Handoff | null> {
  try {
    await migrateClickHouse()
    return null
  } catch (err) {
    const dashboard = err instanceof DataDirBusyError ? runningDashboard(loadConfig().dataDir) : null
    if (!dashboard) throw err
    return dashboard
  }
}

/** The alert rules on what this run stored; a failure is reported and leaves the ingest's exit code alone. */
async function evaluateAfterIngest(): Promise<void> {
  try {
    await evaluateAlertsAfterIngest()
  } catch (err) {
    process.stderr.write(`custody: the records are stored, but evaluating the alert rules failed: ${(err as Error).message}\n`)
  }
}

function parseIngestArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { source: { type: 'string' }, json: { type: 'boolean', default: false }, 'max-record-bytes': { type: 'string' } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { source, json, 'max-record-bytes': maxRecordBytes } = parsed.values
  const result = argsSchema.safeParse({ source, files: parsed.positionals, json, maxRecordBytes })
  if (!result.success) throw new UsageError(result.error.issues.map(usageMessage).join('; '))
  for (const file of result.data.files) {
    if (file !== '-' && !fs.existsSync(file)) throw new UsageError(`no such file: ${file}`)
  }
  return result.data
}

function usageMessage(issue: z.core.$ZodIssue): string {
  return issue.path[0] === 'maxRecordBytes' ? `--max-record-bytes ${issue.message}` : issue.message
}

function merge(a: IngestSummary, b: IngestSummary): IngestSummary {
  return {
    ...a,
    read: a.read + b.read,
    accepted: a.accepted + b.accepted,
    duplicates: a.duplicates + b.duplicates,
    rejected: a.rejected + b.rejected,
    skipped: a.skipped + b.skipped,
    rejects: [...a.rejects, ...b.rejects].slice(0, 100),
  }
}

function humanSummary(s: IngestSummary): string {
  const lines = [
    `source ${s.source}: read ${s.read}, accepted ${s.accepted}, duplicates ${s.duplicates}, rejected ${s.rejected}${s.skipped > 0 ? `, skipped ${s.skipped} (not MCP requests)` : ''}`,
    ...s.rejects.map((r) => `  ${r.file}:${r.line}: ${r.error}`),
  ]
  if (s.rejected > s.rejects.length) lines.push(`  … and ${s.rejected - s.rejects.length} more (table ingest_rejects, run ${s.run_id})`)
  return lines.join('\n') + '\n'
}
