import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { loadConfig } from '@/lib/config'
import { compactTables } from '@/lib/clickhouse/compact'
import { migrateClickHouse } from '@/lib/clickhouse/migrate'
import { writeDemoLogs } from '@/lib/demo'
import { fileInput } from '@/lib/ingest/reader'
import { ingest } from '@/lib/ingest/pipeline'
import { sourceParser, type IngestibleSource } from '@/lib/sources'
import { openAppStore } from '@/db'
import { ingestedFilesOutside } from '@/lib/ingest/runs'
import { DEMO_PASSWORD, demoUserEmail, nonDemoUsers, seedDemoUsers } from '@/lib/users/seed'
import { roles } from '@/db/schema'
import { cliActor } from '@/lib/auth/actor'
import { ProgressBar, knownSize } from './progress'
import { UsageError } from './usage'

const argsSchema = z.object({
  dir: z.string().min(1).optional(),
  scale: z.coerce.number().positive().max(10).default(1),
  seed: z.coerce.number().int().default(42),
})

/** Writes the demo company's logs in vendor formats, then ingests them through the same parsers. */
export async function demoCommand(argv: string[]): Promise<number> {
  const args = parseDemoArgs(argv)
  const dir = path.resolve(args.dir ?? path.join(loadConfig().dataDir, 'demo-logs'))
  await migrateClickHouse()
  const foreign = await foreignData(dir)
  if (foreign) {
    process.stderr.write(`custody: demo refused: ${foreign}\n`)
    return 2
  }
  process.stderr.write(`Writing the demo company's logs to ${dir} …\n`)
  const manifest = await writeDemoLogs(dir, { seed: args.seed, scale: args.scale })
  for (const file of manifest.files) {
    const bar = new ProgressBar(`ingest ${file.source}`, knownSize(file.path))
    const summary = await ingest(sourceParser(file.source as IngestibleSource), [fileInput(file.path)], {
      onProgress: (p) => bar.update(p.records, p.chars),
    })
    bar.done()
    process.stdout.write(
      `${file.source}: read ${summary.read}, accepted ${summary.accepted}, duplicates ${summary.duplicates}, rejected ${summary.rejected}\n`,
    )
  }
  process.stderr.write('Merging the stored parts …\n')
  await compactTables()
  await seedDemoUsers(await openAppStore())
  const accounts = roles.map((role) => `  ${demoUserEmail(role)} (${role})`).join('\n')
  process.stdout.write(`\nSign in with one of these accounts (password "${DEMO_PASSWORD}"):\n${accounts}\n`)
  return 0
}

/**
 * The demo (re)sets its accounts to a published password, so it runs only on stores
 * that are empty or hold nothing but the demo's own users and logs. Says what else
 * is there, or null.
 */
async function foreignData(demoDir: string): Promise<string | null> {
  const people = await nonDemoUsers(cliActor, await openAppStore())
  const files = await ingestedFilesOutside(cliActor, demoDir + path.sep)
  if (people.length === 0 && files.length === 0) return null
  const found = [people.length ? `users ${people.join(', ')}` : '', files.length ? `evidence ingested from ${files.join(', ')}` : '']
  return (
    `${loadConfig().dataDir} holds data that is not the demo's (${found.filter(Boolean).join('; ')}). ` +
    `The demo gives its accounts a published password, so it only runs on a new data directory or one only the demo wrote: ` +
    `set CUSTODY_DATA_DIR to a new folder (and unset DATABASE_URL and CLICKHOUSE_URL). A real installation gets its first admin with ` +
    `\`custody users add --role admin <email>\`.`
  )
}

function parseDemoArgs(argv: string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { dir: { type: 'string' }, scale: { type: 'string' }, seed: { type: 'string' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const result = argsSchema.safeParse(parsed.values)
  if (!result.success) throw new UsageError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '))
  return result.data
}
