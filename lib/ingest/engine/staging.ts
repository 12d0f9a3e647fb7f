import fs from 'node:fs'
import path from 'node:path'
import { command, insertText, isEmbedded, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { loadConfig } from '@/lib/config'
import { localTable } from '@/lib/clickhouse/ddl'

/**
 * Getting a batch of raw lines to the engine as TabSeparated text (no object and no
 * JSON.stringify per line). A server gets the text as the request body, into the
 * ingest_staging table (db/clickhouse/0004). Embedded chDB takes ~8 µs a line to read
 * text inlined after a statement but reads a file at once, so there the batch is a
 * private file in the data dir, read with file().
 */

export type StagedLine = { line: number; text: string }

/** What an engine fast path made of a batch of lines. */
export type EngineOutcome = {
  /** records stored */
  accepted: number
  /** fast-path lines whose event id was already stored, or repeated in the batch */
  duplicates: number
  /** lines the engine did not vouch for, in batch order: the caller runs them through the JS parser */
  fallback: StagedLine[]
}

/** A staged batch: `lines` is a table expression of (seq, line, raw), until release(). */
export type StagedBatch = { batchId: string; lines: SqlFragment; release: () => Promise<void> }

/**
 * Small blocks, kept as they are: the engine reads a Memory table with one thread per
 * block. On a cluster, the next statement must find the batch on its shard.
 */
const STAGING_SETTINGS = {
  max_block_size: 8192,
  min_insert_block_size_rows: 0,
  min_insert_block_size_bytes: 0,
  distributed_foreground_insert: 1,
}

const LINE_STRUCTURE = unsafeRawSql(`'seq UInt32, line UInt64, raw String'`)

/** Stages the lines; seq is each line's index in `lines`. */
export async function stageLines(run: { runId: string; file: string }, batchId: string, lines: StagedLine[]): Promise<StagedBatch> {
  const rows = tabSeparated(lines)
  return isEmbedded() ? stageInFile(batchId, rows) : stageInTable(run, batchId, rows)
}

/** `seq \t line \t raw \n` per line, encoded straight into one buffer (half the time of join + encode). */
function tabSeparated(lines: StagedLine[]): Buffer {
  const heads = new Array<string>(lines.length)
  const texts = new Array<string>(lines.length)
  let size = 0
  for (let seq = 0; seq < lines.length; seq++) {
    heads[seq] = `${seq}\t${lines[seq].line}\t`
    texts[seq] = tsvField(lines[seq].text)
    size += heads[seq].length + Buffer.byteLength(texts[seq]) + 1
  }
  const rows = Buffer.allocUnsafe(size)
  let at = 0
  for (let seq = 0; seq < lines.length; seq++) {
    at += rows.write(heads[seq], at, 'latin1')
    at += rows.write(texts[seq], at, 'utf8')
    rows[at++] = 0x0a
  }
  return rows
}

async function stageInFile(batchId: string, rows: Buffer): Promise<StagedBatch> {
  const dir = path.join(loadConfig().dataDir, 'tmp')
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 })
  const file = path.join(dir, `staging-${batchId}.tsv`)
  await fs.promises.writeFile(file, rows, { mode: 0o600 })
  return {
    batchId,
    lines: sql`file(${file}, 'TabSeparated', ${LINE_STRUCTURE})`,
    release: () => fs.promises.rm(file, { force: true }),
  }
}

async function stageInTable(run: { runId: string; file: string }, batchId: string, rows: Buffer): Promise<StagedBatch> {
  await insertText(
    sql`INSERT INTO ingest_staging (run_id, batch_id, file, seq, line, raw)
        SELECT ${run.runId}, ${batchId}, ${run.file}, seq, line, raw FROM input(${LINE_STRUCTURE})
        FORMAT TabSeparated`,
    rows,
    { tag: 'ingest:stage', settings: STAGING_SETTINGS },
  )
  return {
    batchId,
    lines: sql`(SELECT seq, line, raw FROM ingest_staging WHERE batch_id = ${batchId})`,
    release: () => deleteStagedBatch('ingest_staging', batchId),
  }
}

/** Deletes a batch from a staging table, and whatever a crashed run left there an hour ago. */
export async function deleteStagedBatch(table: 'ingest_staging' | 'ingest_staging_gateway' | 'ingest_staging_okta', batchId: string): Promise<void> {
  await command(sql`ALTER TABLE ${localTable(table)} DELETE WHERE batch_id = ${batchId} OR staged_at < now() - INTERVAL 1 HOUR`, {
    tag: 'ingest:unstage',
  })
}

/** TabSeparated escaping: only backslash, tab and line breaks need it (includes() is far cheaper than a regex here). */
function tsvField(text: string): string {
  if (!text.includes('\\') && !text.includes('\t') && !text.includes('\n') && !text.includes('\r')) return text
  return text.replace(/[\\\t\n\r]/g, (c) => TSV_ESCAPE[c])
}

const TSV_ESCAPE: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
