import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { ingest, type IngestSummary } from '@/lib/ingest/pipeline'
import { fileInput } from '@/lib/ingest/reader'
import { REPORT_NAMES, REPORTS, type ReportOptions } from '@/lib/reports'
import type { SourceParser } from '@/lib/sources/types'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures')

export type VendorFile = { parser: SourceParser; file: string }

/** Ingests fixture files through the real reader and pipeline, in the order given; each must be read whole. */
export async function ingestFiles(files: VendorFile[]): Promise<IngestSummary[]> {
  const summaries: IngestSummary[] = []
  for (const { parser, file } of files) {
    const summary = await ingest(parser, [fileInput(path.join(FIXTURES, file))])
    expect(summary.rejects, `${file} rejects`).toEqual([])
    summaries.push(summary)
  }
  return summaries
}

export async function allReports(opts: ReportOptions): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {}
  for (const name of REPORT_NAMES) answers[name] = await REPORTS[name](opts)
  return answers
}

export function fixtureExists(file: string): boolean {
  return fs.existsSync(path.join(FIXTURES, file))
}
