import type { IngestSummary } from './pipeline'

/** The JSON object of cli.md (`file` is added to each reject for multi-file runs). */
export function summaryJson(s: IngestSummary) {
  return {
    source: s.source,
    read: s.read,
    accepted: s.accepted,
    duplicates: s.duplicates,
    rejected: s.rejected,
    ...(s.skipped > 0 ? { skipped: s.skipped } : {}),
    rejects: s.rejects.map((r) => ({ line: r.line, error: r.error, file: r.file })),
  }
}

export type SummaryJson = ReturnType<typeof summaryJson>
