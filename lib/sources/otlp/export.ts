import { isJsonObject } from '../record-fields'
import { listOf } from './any-value'

/**
 * An OTLP/JSON export (ExportTraceServiceRequest / ExportLogsServiceRequest) → one record per
 * span or log record, each carrying its resource and scope, so `read` counts spans and log
 * records (cli.md). Older exporters write `instrumentationLibrary*` for `scope*`.
 */

export type SpanRecord = { resource: unknown; scope: unknown; span: unknown }
export type LogRecord = { resource: unknown; scope: unknown; logRecord: unknown }
/**
 * A part of the export that holds no readable span or log record: rejected with this reason,
 * never dropped. A class, so no JSON record can pass itself off as one.
 */
export class UnreadablePart {
  constructor(readonly reason: string) {}
}
type ExportRecord = SpanRecord | LogRecord | UnreadablePart

export function exportRecords(document: unknown): ExportRecord[] | null {
  if (!isJsonObject(document)) return null
  if (Array.isArray(document.resourceSpans)) return expand(document.resourceSpans, ['scopeSpans', 'instrumentationLibrarySpans'], 'spans', 'span')
  if (Array.isArray(document.resourceLogs)) return expand(document.resourceLogs, ['scopeLogs', 'instrumentationLibraryLogs'], 'logRecords', 'logRecord')
  return null
}

function expand(resources: unknown[], scopeKeys: string[], itemsKey: string, as: 'span' | 'logRecord'): ExportRecord[] {
  const records: ExportRecord[] = []
  const top = itemsKey === 'spans' ? 'resourceSpans' : 'resourceLogs'
  for (const [r, resourceEntry] of resources.entries()) {
    if (!isJsonObject(resourceEntry)) {
      records.push(new UnreadablePart(`${top}.${r}: expected an object`))
      continue
    }
    const scopes = scopeKeys.flatMap((key) => listOf(resourceEntry[key]))
    for (const [s, scopeEntry] of scopes.entries()) {
      if (!isJsonObject(scopeEntry) || !Array.isArray(scopeEntry[itemsKey])) {
        records.push(new UnreadablePart(`${top}.${r}.${scopeKeys[0]}.${s}.${itemsKey}: expected an array`))
        continue
      }
      const scope = scopeEntry.scope ?? scopeEntry.instrumentationLibrary
      for (const item of listOf(scopeEntry[itemsKey])) {
        records.push({ resource: resourceEntry.resource, scope, [as]: item } as SpanRecord | LogRecord)
      }
    }
  }
  return records
}
