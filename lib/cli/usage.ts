import { INGESTIBLE_SOURCES } from '@/lib/sources'

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export const USAGE = `Usage:
  npm run -s custody -- ingest --source <source> <file|->...  [--json]
  npm run -s custody -- report <name> --from <iso-time> --to <iso-time> --json
  npm run -s custody -- demo [--dir <folder>] [--scale <n>]
  npm run -s custody -- migrate

Sources: ${INGESTIBLE_SOURCES.join(', ')}
Environment: CUSTODY_DATA_DIR (default ./.custody), CLICKHOUSE_URL, DATABASE_URL`
