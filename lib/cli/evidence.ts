import fs from 'node:fs'
import { isDeepStrictEqual, parseArgs, type ParseArgsConfig } from 'node:util'
import { z } from 'zod'
import { cliActor } from '@/lib/auth/actor'
import type { PackAppStore, PackStateRequest } from '@/lib/evidence/app-state'
import { CONTROL_IDS, listsAlerts } from '@/lib/evidence/controls'
import { UsageError } from './usage'

const isoTime = (flag: string) =>
  z.iso.datetime({ offset: true, message: `${flag} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((s) => new Date(s))

const exportSchema = z
  .object({
    control: z.enum(CONTROL_IDS, { message: `--control must be one of: ${CONTROL_IDS.join(', ')}` }),
    from: isoTime('--from'),
    to: isoTime('--to'),
    out: z.string({ message: '--out <file.pdf> is required' }).min(1, '--out <file.pdf> is required'),
    asOf: isoTime('--as-of').optional(),
    json: z.boolean().default(false),
  })
  .refine((a) => a.from < a.to, { message: '--from must be before --to' })

/** `custody export --control --from --to --out [--as-of] [--json]` (evidence.md): the PDF and `<out>.manifest.json` beside it. */
export async function exportCommand(argv: string[]): Promise<number> {
  const values = parsed(argv, { control: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'as-of': { type: 'string' }, json: { type: 'boolean' } }, 0)
  const args = valid(exportSchema, { ...values.values, asOf: values.values['as-of'], from: values.values.from ?? '', to: values.values.to ?? '' })
  // the thresholds in force as the last export or report kept them while the app store is unchanged, so that the
  // reports and populations need not wait for the store's boot; the app store (in a worker thread when it can) keeps
  // them again once this export is recorded
  const { keptThresholds, exportPackStore } = await import('./report-thresholds')
  const kept = keptThresholds()
  // the app store's worker boots while this thread loads the export's modules and opens the engine
  const started: PackStateRequest = { period: { from: args.from, to: args.to }, generatedAt: args.asOf ?? new Date(), monitoring: listsAlerts(args.control) }
  const store = exportPackStore(started, inProcessStore)
  const { exportEvidencePack } = await import('@/lib/evidence/export').catch(async (err) => {
    await store.record(null) // the worker closes the store and ends
    throw err
  })
  const startedStore = (r: PackStateRequest) => {
    if (isDeepStrictEqual(r, started)) return store
    void store.record(null)
    throw new Error('the export asked the app store for another pack than the one it was started for')
  }
  const request = { control: args.control, from: args.from, to: args.to, asOf: started.generatedAt, out: args.out }
  // records the export, or lets the store go when it fails
  const pack = await exportEvidencePack(cliActor, request, { thresholds: kept ? Promise.resolve(kept) : undefined, store: startedStore })
  fs.writeFileSync(`${args.out}.manifest.json`, pack.manifestFile)
  const summary = { ...pack.summary, out: args.out }
  process.stdout.write(args.json ? JSON.stringify(summary) + '\n' : `wrote ${args.out} (SHA-256 ${pack.sha256}) and ${args.out}.manifest.json\n`)
  return 0
}

const verifySchema = z.object({ file: z.string(), key: z.string().optional(), json: z.boolean().default(false) })

/**
 * `custody verify <file.pdf> [--key] [--json]`: exit 0 when the pack is as signed, 1 when
 * anything was changed or another key signed it, 2 on a usage error. Opens no store: it
 * needs neither a data directory nor a network.
 */
export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parsed(argv, { key: { type: 'string' }, json: { type: 'boolean' } }, 1)
  const args = valid(verifySchema, { ...values, file: positionals[0] })
  const { expectedSigner, verifyPack } = await import('@/lib/evidence/verify')
  const signer = args.key === undefined ? undefined : expectedSigner(args.key)
  if (signer === null) throw new UsageError('--key must be a public key (base64, as the dashboard shows it) or its fingerprint (sha256:<hex>)')
  const pdf = readOrUsage(args.file)
  const side = fs.existsSync(`${args.file}.manifest.json`) ? fs.readFileSync(`${args.file}.manifest.json`) : null
  const result = verifyPack(pdf, side, signer)
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n')
  else if (result.ok) process.stdout.write(`OK: ${args.file} is the pack ${result.key_fingerprint} signed (${result.control}, ${result.from} to ${result.to}, generated ${result.generated_at})\n`)
  else process.stdout.write(`FAILED: ${args.file}\n${result.problems.map((p) => `  - ${p}\n`).join('')}`)
  return result.ok ? 0 : 1
}

// On PostgreSQL, or when the sources run uncompiled: the app store on this thread, its modules loaded only then.
function inProcessStore(request: PackStateRequest): PackAppStore {
  const store = import('@/lib/evidence/app-state').then(({ inProcessPackStore }) => inProcessPackStore(cliActor, request))
  store.catch(() => undefined) // awaited by state and record; a failure surfaces there
  return { state: store.then((s) => s.state), record: async (r) => (await store).record(r) }
}

type Options = NonNullable<ParseArgsConfig['options']>

function parsed(argv: string[], options: Options, positionals: number) {
  let result
  try {
    result = parseArgs({ args: argv, options, allowPositionals: positionals > 0 })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (result.positionals.length !== positionals) throw new UsageError(positionals === 1 ? 'name exactly one file.pdf' : `unexpected argument: ${result.positionals[0]}`)
  return result as { values: Record<string, string | boolean | undefined>; positionals: string[] }
}

function valid<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input)
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '))
  return result.data
}

function readOrUsage(file: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}
