import { parseArgs } from 'node:util'
import { Readable } from 'node:stream'
import { z } from 'zod'
import { cliActor } from '@/lib/auth/actor'
import { csvStream } from '@/lib/populations/csv'
import { drawSample, SAMPLE_POPULATIONS } from '@/lib/samples'
import { SAMPLED } from '@/lib/samples/populations'
import { UsageError } from './usage'

const isoTime = (flag: string) =>
  z.iso.datetime({ offset: true, message: `${flag} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((s) => new Date(s))

const argsSchema = z
  .object({
    population: z.enum(SAMPLE_POPULATIONS, { message: `--population must be one of: ${SAMPLE_POPULATIONS.join(', ')}` }),
    from: isoTime('--from'),
    to: isoTime('--to'),
    size: z.string().regex(/^\d+$/, '--size must be a whole number from 1').transform(Number).pipe(z.number().int().min(1, '--size must be at least 1').max(10_000_000, '--size may be at most 10,000,000')),
    seed: z.string().min(1, '--seed is required: the text that fixes the draw (record it with the sample)').max(200, '--seed may be at most 200 characters'),
    asOf: isoTime('--as-of').optional(),
  })
  .refine((a) => a.from < a.to, { message: '--from must be before --to' })

/**
 * `custody sample --population --from --to --size --seed [--json]` (evidence.md, Samples): a
 * seeded sample drawn inside ClickHouse; `--json` prints the spec's object, otherwise a line
 * saying what was drawn and the items as the population's CSV. `--as-of` (default now) is the
 * generated_at triggers and post-trigger actions are judged at, as a recorded sample's `drawn_at`.
 */
export async function sampleCommand(argv: string[]): Promise<number> {
  const { json, ...request } = parseSampleArgs(argv)
  const sample = await drawSample(cliActor, request)
  if (json) {
    process.stdout.write(JSON.stringify(sample) + '\n')
    return 0
  }
  process.stdout.write(`${sample.items.length} of ${sample.population_size} ${sample.population}, seed ${JSON.stringify(sample.seed)}, ${sample.from} ≤ t < ${sample.to}\n`)
  for await (const chunk of Readable.fromWeb(csvStream(SAMPLED[sample.population].population.columns, Readable.from(sample.items)) as never)) process.stdout.write(chunk)
  return 0
}

function parseSampleArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        population: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        size: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const v = parsed.values
  const result = argsSchema.safeParse({ population: v.population ?? '', from: v.from ?? '', to: v.to ?? '', size: v.size ?? '', seed: v.seed ?? '', asOf: v['as-of'] })
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join('; '))
  return { ...result.data, json: v.json === true }
}
