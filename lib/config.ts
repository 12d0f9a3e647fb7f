import path from 'node:path'
import { z } from 'zod'
import { DEFAULT_MAX_RECORD_BYTES, maxRecordBytesSchema } from '@/lib/ingest/record-limits'

const envSchema = z.object({
  CUSTODY_DATA_DIR: z.string().min(1).default('./.custody'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').optional(),
  CUSTODY_CLICKHOUSE_CLUSTER: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a cluster name').optional(),
  CUSTODY_QUERY_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  CUSTODY_MAX_RECORD_BYTES: maxRecordBytesSchema.default(DEFAULT_MAX_RECORD_BYTES),
  CUSTODY_INTAKE_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1 << 30).default(16 << 20),
  CUSTODY_INTAKE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  CUSTODY_TRACE: z.enum(['0', '1'], { message: 'must be 0 or 1' }).default('0'),
})

export type CustodyConfig = {
  dataDir: string
  clickhouse: { url?: string; user?: string; password?: string; database?: string; cluster?: string }
  queryTimeoutSeconds: number
  databaseUrl?: string
  /** ingest rejects a larger record alone */
  maxRecordBytes: number
  /** the HTTP intake: a larger body (after decompression) is 413; more posts at once are 429 */
  intake: { maxBodyBytes: number; concurrency: number }
  /** each statement the stores run, by tag, on stderr (lib/trace.ts) */
  trace: boolean
}

/** Reads the environment once per call; tests change process.env between stores. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CustodyConfig {
  const parsed = envSchema.safeParse(stripEmpty(env))
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new Error(`Invalid Custody configuration: ${issues}`)
  }
  const e = parsed.data
  return {
    dataDir: path.resolve(e.CUSTODY_DATA_DIR),
    clickhouse: {
      url: e.CLICKHOUSE_URL,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
      cluster: e.CUSTODY_CLICKHOUSE_CLUSTER,
    },
    queryTimeoutSeconds: e.CUSTODY_QUERY_TIMEOUT_SECONDS,
    databaseUrl: e.DATABASE_URL,
    maxRecordBytes: e.CUSTODY_MAX_RECORD_BYTES,
    intake: { maxBodyBytes: e.CUSTODY_INTAKE_MAX_BODY_BYTES, concurrency: e.CUSTODY_INTAKE_CONCURRENCY },
    trace: e.CUSTODY_TRACE === '1',
  }
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>
}
