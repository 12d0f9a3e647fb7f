import { randomUUID } from 'node:crypto'
import { maintainAttribution } from '@/lib/attribution/maintain'
import { insert } from '@/lib/clickhouse'
import { loadConfig } from '@/lib/config'
import type { SourceParser } from '@/lib/sources/types'
import { BatchWriter } from './batch-writer'
import { genericEnvelope } from './envelope'
import { storeGatewayLinesInEngine } from './engine/gateway-fast-path'
import { storeOktaLinesInEngine } from './engine/okta-fast-path'
import type { EngineOutcome, StagedLine } from './engine/staging'
import { REJECTED_HEAD_CHARS } from './read-output'
import { readRecords, type IngestInput, type RawRecord } from './reader'
import { MAX_NESTING_DEPTH, nestedDeeperThan, TOO_DEEP_ERROR } from './record-limits'
import { redactRejectReason, redactRejectedText } from './redact'
import { storeRecords, type ParsedRecord } from './store-records'

export type Reject = { file: string; line: number; error: string }

export type IngestSummary = {
  run_id: string
  source: string
  read: number
  accepted: number
  duplicates: number
  rejected: number
  /** valid records that are not for Custody (cli.md): read = accepted + duplicates + rejected + skipped */
  skipped: number
  /** the first `keepRejects` rejects; every reject is stored in ingest_rejects */
  rejects: Reject[]
}

export type IngestProgress = { file: string; records: number; chars: number }

export type IngestOptions = {
  batchSize?: number
  /** lines per engine batch (gateway and Okta NDJSON) */
  engineBatchSize?: number
  /** false: parse every line in JS (tests compare both paths) */
  engine?: boolean
  flushIntervalMs?: number
  keepRejects?: number
  /** a larger record is rejected alone (default: CUSTODY_MAX_RECORD_BYTES, 1 MiB) */
  maxRecordBytes?: number
  onProgress?: (p: IngestProgress) => void
  /** around each batch the JS parser stores (the intake's crash points hang here) */
  onStore?: (phase: 'before' | 'after') => void
}

/**
 * Batches are bounded by their text as well as by count, so records near the size limit
 * cannot pile up: 32 MiB is ~50k typical records, 64 MiB ~100k gateway lines (~600 bytes each).
 */
const BATCH_BYTES = 32 << 20

/** The text a parsed record stores (its raw lines). */
function storedSize(record: ParsedRecord): number {
  let size = 0
  for (const row of record.requests) size += row.raw.length
  for (const row of record.facts) size += row.raw.length
  return size
}

/**
 * How often, at most, a run maintains attribution between batches (lib/attribution/MAINTAINED.md).
 * Each maintenance pays a fixed cost whatever it catches up on (the marks scan the table): over
 * 1M gateway lines, every 5 s meant 11 runs and ~60 s; one run at the end ~33 s. Readers catch up
 * before they read, so a long backfill only needs it now and then.
 */
const MAINTAIN_EVERY_MS = 60_000

type EnginePath = { store: (run: { runId: string; file: string }, lines: StagedLine[]) => Promise<EngineOutcome>; batchBytes: number }

/**
 * Sources whose NDJSON lines the engine parses itself when it can (lib/ingest/engine), and
 * the text of a batch: each batch costs a few hundred ms of planning, and its peak memory
 * grows with its size. Over 900k gateway lines, 16 MiB (~28k lines) peaked at ~850 MB,
 * 32 MiB ~1.1 GB and 64 MiB 1.3–1.5 GB, for ~10% more CPU. An Okta batch's statement takes
 * ~0.3 s of CPU to plan whatever its size, as much as building the facts of ~5k records: over
 * 120k records (a 185 MB file), 16 MiB batches (11k records) spent ~3 s CPU planning, 64 MiB
 * (43k) ~1 s, with the same peak RSS (~1.1 GB, reached after the batches: the IdP rebuild and
 * the alert evaluation's app store; BENCHMARKS.md, "Okta ingest CPU, session 6").
 */
const ENGINE_PATHS: Partial<Record<string, EnginePath>> = {
  gateway: { store: storeGatewayLinesInEngine, batchBytes: 16 << 20 },
  okta: { store: storeOktaLinesInEngine, batchBytes: 64 << 20 },
}

type RejectRow = { run_id: string; source: string; file: string; line: number; reason: string; raw: string }

/** Reads every input, validates each record with its source's parser, stores the good ones once. */
export async function ingest(parser: SourceParser, inputs: IngestInput[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const run = newRun(parser, opts)
  const startedAt = new Date()
  const records = new BatchWriter<ParsedRecord>((batch) => run.store(batch), {
    maxItems: opts.batchSize ?? 20_000,
    maxDelayMs: opts.flushIntervalMs ?? 1000,
    maxBytes: BATCH_BYTES,
    sizeOf: storedSize,
  })
  const rejects = new BatchWriter<RejectRow>((rows) => insert('ingest_rejects', rows, { tag: 'ingest:rejects' }), {
    maxItems: 5_000,
    maxDelayMs: opts.flushIntervalMs ?? 1000,
  })
  run.onReject = (row) => rejects.add(row)
  for (const input of inputs) await run.readInput(input, records)
  await records.flush()
  await run.stored({ final: true })
  await rejects.flush()
  await insert('ingest_runs', [ledgerRow(run.summary, inputs, startedAt)], { tag: 'ingest:ledger' })
  return run.summary
}

function ledgerRow(s: IngestSummary, inputs: IngestInput[], startedAt: Date) {
  return {
    run_id: s.run_id,
    source: s.source,
    files: inputs.map((i) => i.name),
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    received: s.read,
    accepted: s.accepted,
    duplicates: s.duplicates,
    rejected: s.rejected,
  }
}

function newRun(parser: SourceParser, opts: IngestOptions) {
  const keep = opts.keepRejects ?? 100
  const summary: IngestSummary = { run_id: randomUUID(), source: parser.name, read: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0, rejects: [] }
  const run = {
    summary,
    onReject: async (_row: RejectRow) => {},

    async reject(file: string, line: number, reason: string, text: string) {
      const error = redactRejectReason(reason)
      summary.rejected++
      if (summary.rejects.length < keep) summary.rejects.push({ file, line, error })
      await run.onReject({ run_id: summary.run_id, source: parser.name, file, line, reason: error, raw: redactRejectedText(text) })
    },

    /**
     * After each stored batch, whichever path stored it, and at the end of the run: attribution
     * catches up with what was stored. Within a run at most every MAINTAIN_EVERY_MS: a backfill's
     * IdP batches each rebuild the IdP side, and every reader catches up before it reads anyway.
     * The clock starts with the run, so a call shorter than that maintains once, at its end.
     */
    lastMaintained: Date.now(),
    async stored({ final = false } = {}) {
      if (!final && Date.now() - run.lastMaintained < MAINTAIN_EVERY_MS) return
      await maintainAttribution()
      run.lastMaintained = Date.now()
    },

    async store(batch: ParsedRecord[]) {
      opts.onStore?.('before')
      const outcome = await storeRecords(parser.name, batch)
      opts.onStore?.('after')
      await run.stored()
      summary.accepted += outcome.accepted
      summary.duplicates += outcome.duplicates
      for (const f of outcome.failed) await run.reject(f.record.file, f.record.line, f.error, f.record.requests[0]?.raw ?? f.record.facts[0]?.raw ?? '')
    },

    /** NDJSON of an engine source: the engine parses the plainly valid lines; the rest take the JS parser. */
    engineWriter(enginePath: EnginePath, file: string, records: BatchWriter<ParsedRecord>) {
      return new BatchWriter<RawRecord>(
        async (lines) => {
          // records the JS parser still holds are stored first, so each event id is stored once
          await records.flush()
          opts.onStore?.('before')
          const outcome = await enginePath.store({ runId: summary.run_id, file }, lines)
          opts.onStore?.('after')
          await run.stored()
          summary.read += outcome.accepted + outcome.duplicates
          summary.accepted += outcome.accepted
          summary.duplicates += outcome.duplicates
          for (const raw of outcome.fallback) await run.readRecord(file, raw, records, false)
        },
        {
          maxItems: opts.engineBatchSize ?? 100_000,
          maxDelayMs: opts.flushIntervalMs ?? 1000,
          maxBytes: enginePath.batchBytes,
          sizeOf: (l) => l.text.length,
        },
      )
    },

    async readInput(input: IngestInput, records: BatchWriter<ParsedRecord>) {
      let chars = 0
      let expandedExtra = 0
      let lastLine = 0
      const enginePath = opts.engine === false ? undefined : ENGINE_PATHS[parser.name]
      const engine = enginePath ? run.engineWriter(enginePath, input.name, records) : null
      const limits = { maxRecordBytes: opts.maxRecordBytes ?? loadConfig().maxRecordBytes }
      try {
        for await (const batch of readRecords(input.open(), limits)) {
          for (const bad of batch.rejects) {
            summary.read++
            await run.reject(input.name, bad.line + (batch.document ? expandedExtra : 0), bad.error, bad.text)
          }
          if (engine && !batch.document) {
            await engine.addAll(batch.records)
            lastLine = batch.records.at(-1)?.line ?? lastLine
            chars += batchChars(batch.records)
            opts.onProgress?.({ file: input.name, records: summary.read, chars })
            continue
          }
          for (const raw of batch.records) {
            chars += raw.text.length + 1
            lastLine = raw.line
            const line = batch.document ? raw.line + expandedExtra : raw.line
            expandedExtra += await run.readRecord(input.name, { line, text: raw.text }, records, batch.document)
          }
          opts.onProgress?.({ file: input.name, records: summary.read, chars })
        }
      } catch (err) {
        summary.read++
        await run.reject(input.name, lastLine + expandedExtra + 1, `unreadable input: ${(err as Error).message}`, '')
      }
      await engine?.flush()
    },

    /** Returns how many extra records an envelope expanded into (for document numbering). */
    async readRecord(file: string, raw: RawRecord, records: BatchWriter<ParsedRecord>, document: boolean): Promise<number> {
      if (nestedDeeperThan(raw.text, MAX_NESTING_DEPTH)) {
        summary.read++
        await run.reject(file, raw.line, TOO_DEEP_ERROR, raw.text.slice(0, REJECTED_HEAD_CHARS))
        return 0
      }
      let value: unknown
      try {
        value = JSON.parse(raw.text)
      } catch (err) {
        summary.read++
        await run.reject(file, raw.line, `invalid JSON: ${(err as Error).message}`, raw.text)
        return 0
      }
      const expanded = parser.expand?.(value) ?? genericEnvelope(value)
      if (!expanded) {
        await run.parseOne(file, raw.line, value, raw.text, records)
        return 0
      }
      for (let k = 0; k < expanded.length; k++) {
        await run.parseOne(file, document ? raw.line + k : raw.line, expanded[k], JSON.stringify(expanded[k]), records)
      }
      return document ? Math.max(0, expanded.length - 1) : 0
    },

    async parseOne(file: string, line: number, value: unknown, text: string, records: BatchWriter<ParsedRecord>) {
      summary.read++
      let parsed
      try {
        parsed = parser.parse(value, text)
      } catch (err) {
        // a parser's own failure on one odd record must not cost the rest of the file
        return run.reject(file, line, `could not be parsed: ${(err as Error).message}`, text)
      }
      if (!parsed.ok) return run.reject(file, line, parsed.error, text)
      if (parsed.skipped) return void summary.skipped++
      const eventId = parsed.requests[0]?.event_id ?? parsed.facts[0]?.event_id
      const time = parsed.requests[0]?.time ?? parsed.facts[0]?.time
      if (!eventId || !time) return run.reject(file, line, 'record produced no event', text)
      await records.add({ eventId, file, line, time, requests: parsed.requests, facts: parsed.facts })
    },
  }
  return run
}

function batchChars(records: RawRecord[]): number {
  let n = 0
  for (const r of records) n += r.text.length + 1
  return n
}
