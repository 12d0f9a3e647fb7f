import type { LateBatch } from './late-batch'
import type { Timed } from './timing'

/** A report as the engine answered it (the whole JSON) with its timing, and the process's user + system CPU per run. */
export type TimedReport = Timed<unknown> & { cpuSeconds?: number }

/** What the chDB process hands back to the benchmark (chdb.json). */
export type ChdbSide = {
  actions: number
  generateSeconds: number | null
  /** active parts of gateway_requests once background merges settled after generating */
  partsAfterMerges: number | null
  exportSeconds: number | null
  rows: Record<string, number>
  /** seconds per building block (stages.ts), when asked for */
  stages?: Record<string, number>
  reports: Record<string, TimedReport>
  /** the period's length in days */
  days?: number
  /** `custody reattribute` over everything generated: the stored attribution built from scratch */
  reattributeSeconds?: number
  /** a late IdP batch: until the reports reflect it */
  late?: LateBatch
  /** the process's peak resident memory (chDB runs in it), bytes */
  peakRssBytes?: number
}

/** The columns both engines hold (the raw vendor record stays behind: no report reads it). */
export const EXPORTED_COLUMNS = {
  gateway_requests: [
    'event_id', 'source', 'time', 'gateway', 'method', 'outcome', 'is_action', 'server', 'tool', 'prompt', 'resource_uri',
    'request_id', 'session_id', 'protocol_version', 'client_name', 'client_version', 'src_addr', 'http_status', 'duration_ms',
    'auth_scheme', 'credential_id', 'credential_type', 'jwt_iss', 'jwt_sub', 'jwt_client_id', 'jwt_aud', 'token_iat', 'token_exp',
    'user_claim', 'api_key_name', 'run_id', 'ingested_at',
  ],
  idp_events: [
    'event_id', 'fact_index', 'source', 'time', 'kind', 'vendor_event_type', 'subject_kind', 'subject_id', 'email', 'login',
    'display_name', 'owner', 'client_id', 'credential_id', 'credential_type', 'issued_at', 'expires_at', 'run_id', 'ingested_at',
  ],
} as const
