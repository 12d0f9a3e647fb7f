import { INGESTIBLE_SOURCES } from '@/lib/sources'

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

export const USAGE = `Usage:
  npm run -s custody -- ingest --source <source> <file|->...  [--json] [--max-record-bytes <n>]
  npm run -s custody -- report <name> --from <iso-time> --to <iso-time> --json
  npm run -s custody -- demo [--dir <folder>] [--scale <n>]
  npm run -s custody -- migrate
  npm run -s custody -- reattribute [--from <iso-time> --to <iso-time>] [--json]
  npm run -s custody -- users add --role <role> <email>
  npm run -s custody -- tokens create --name <name> [--sources <a,b>] [--expires <iso>] [--json]
  npm run -s custody -- tokens list [--json] | tokens revoke <id> | tokens rotate <id> [--grace <seconds>]

Sources: ${INGESTIBLE_SOURCES.join(', ')}
Roles: auditor, compliance, security, admin
Environment: CUSTODY_DATA_DIR (default ./.custody), CLICKHOUSE_URL, DATABASE_URL,
  CUSTODY_MAX_RECORD_BYTES (default 1048576: a larger record is rejected alone)`
