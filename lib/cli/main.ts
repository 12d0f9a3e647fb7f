import { closeClickHouse } from '@/lib/clickhouse'
import { DataDirBusyError } from '@/lib/store/lock'
import { USAGE, UsageError } from './usage'

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  ingest: async (argv) => (await import('./ingest')).ingestCommand(argv),
  report: async (argv) => (await import('./report')).reportCommand(argv),
  demo: async (argv) => (await import('./demo')).demoCommand(argv),
  migrate: async (argv) => (await import('./migrate')).migrateCommand(argv),
  reattribute: async (argv) => (await import('./reattribute')).reattributeCommand(argv),
  users: async (argv) => (await import('./users')).usersCommand(argv),
  tokens: async (argv) => (await import('./tokens')).tokensCommand(argv),
  export: async (argv) => (await import('./evidence')).exportCommand(argv),
  verify: async (argv) => (await import('./evidence')).verifyCommand(argv),
  'signing-key': async (argv) => (await import('./signing-key')).signingKeyCommand(argv),
  sample: async (argv) => (await import('./sample')).sampleCommand(argv),
  thresholds: async (argv) => (await import('./thresholds')).thresholdsCommand(argv),
  alerts: async (argv) => (await import('./alerts')).alertsCommand(argv),
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const command = name ? COMMANDS[name] : undefined
  if (!command) throw new UsageError(name ? `unknown command: ${name}` : 'no command given')
  return command(rest)
}

// a reader that stops early (`| head`) closes the pipe: what is left to print has nowhere to go
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err
})

main(process.argv.slice(2))
  .catch((err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`custody: ${err.message}\n\n${USAGE}\n`)
      return 2
    }
    if (err instanceof DataDirBusyError) {
      process.stderr.write(`custody: ${err.message}\n`)
      return 3
    }
    process.stderr.write(`custody: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 4
  })
  .then(async (code) => {
    await closeClickHouse().catch(() => {})
    await (await import('@/db')).closeAppStore()
    await Promise.all([flushed(process.stdout), flushed(process.stderr)])
    process.exit(code)
  })

/**
 * Resolves once everything written so far has been handed to the OS. Writes to a pipe are
 * asynchronous: exiting before they finish cuts the output at what the pipe held (64 KiB).
 */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()))
}
