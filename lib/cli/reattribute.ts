import { parseArgs } from 'node:util'
import { z } from 'zod'
import { reattribute } from '@/lib/attribution'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { storedActionCount } from '@/lib/attribution/maintain'
import { UsageError } from './usage'

const isoTime = (flag: string) =>
  z.iso.datetime({ offset: true, message: `${flag} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((s) => new Date(s))

const argsSchema = z
  .object({ from: isoTime('--from').optional(), to: isoTime('--to').optional(), json: z.boolean() })
  .refine((a) => (a.from === undefined) === (a.to === undefined), { message: '--from and --to go together' })
  .refine((a) => a.from === undefined || a.to === undefined || a.from < a.to, { message: '--from must be before --to' })

/**
 * `custody reattribute [--from <iso> --to <iso>] [--json]`: rebuilds the stored attribution from
 * scratch with the oracle (lib/attribution/oracle.ts): the IdP side from every fact, and every
 * agent action (or those in [from, to)). Progress on stderr; `--json` prints a summary.
 */
export async function reattributeCommand(argv: string[]): Promise<number> {
  const args = parseReattributeArgs(argv)
  const scope = args.from && args.to ? { from: args.from, to: args.to } : null
  await clickhouseReady()
  const outcome = await reattribute(scope, (step) => process.stderr.write(`reattribute: ${step}\n`))
  const actions = await storedActionCount(scope)
  const summary = { from: scope?.from.toISOString() ?? null, to: scope?.to.toISOString() ?? null, actions, seconds: outcome.seconds }
  process.stdout.write(args.json ? JSON.stringify(summary) + '\n' : `re-attributed ${actions} agent actions in ${outcome.seconds.toFixed(1)} s\n`)
  return 0
}

function parseReattributeArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const result = argsSchema.safeParse({ from: parsed.values.from, to: parsed.values.to, json: parsed.values.json ?? false })
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '))
  return result.data
}
