import { CONTROL_IDS } from '@/lib/evidence/controls'
import { SAMPLE_POPULATIONS } from '@/lib/samples/names'
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
  npm run -s custody -- export --control <id> --from <iso> --to <iso> --out <file.pdf> [--as-of <iso>] [--json]
  npm run -s custody -- verify <file.pdf> [--key <public key or fingerprint>] [--json]
  npm run -s custody -- signing-key show|rotate [--json]
  npm run -s custody -- sample --population <name> --from <iso> --to <iso> --size <n> --seed <text> [--as-of <iso>] [--json]
  npm run -s custody -- thresholds show [--json] | thresholds set <file.json> --reason <text> [--json]
  npm run -s custody -- alerts run [--json]

Sources: ${INGESTIBLE_SOURCES.join(', ')}
Roles: auditor, compliance, security, admin
Controls: ${CONTROL_IDS.join(', ')}
Sample populations: ${SAMPLE_POPULATIONS.join(', ')}
Environment: CUSTODY_DATA_DIR (default ./.custody), CLICKHOUSE_URL, DATABASE_URL,
  CUSTODY_MAX_RECORD_BYTES (default 1048576: a larger record is rejected alone), CUSTODY_TRACE=1 (statements on stderr)`
