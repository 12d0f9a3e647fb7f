import { z } from 'zod'
import { sql } from '@/lib/clickhouse'
import { attributedActionCtes, inWindow, withCtes } from '@/lib/attribution'
import { count, reportHeader, reportHeaderSchema, reportRow, type ReportOptions } from './common'

const byReason = z.object({ no_credential: count, unknown_credential: count, unmapped_subject: count })
const byMethod = z.object({ credential: count, subject_claim: count, session: count })
const flagged = z.object({ after_expiry: count, after_revocation: count, after_deprovision: count, conflict: count })
const serverCount = z.object({ server: z.string(), total: count, unattributed: count })
const clientCount = z.object({ client: z.string(), total: count, unattributed: count })

const body = z.object({
  total_actions: count,
  attributed_actions: count,
  unattributed_actions: count,
  unattributed_ratio: z.number().min(0).max(1),
  by_reason: byReason,
  by_method: byMethod,
  by_server: z.array(serverCount),
  by_client: z.array(clientCount),
  flagged,
  denied_requests: count,
})

export const unattributedReportSchema = reportHeaderSchema('unattributed').extend(body.shape)
export type UnattributedReport = z.infer<typeof unattributedReportSchema>

/** Tallies shared by the attribution report: how, why not, and which flags, per action. */
export const actionTallies = sql`
  count() AS total, countIf(identity = '') AS unattributed,
  countIf(reason = 'no_credential') AS no_credential, countIf(reason = 'unknown_credential') AS unknown_credential,
  countIf(reason = 'unmapped_subject') AS unmapped_subject,
  countIf(method = 'credential') AS credential, countIf(method = 'subject_claim') AS subject_claim,
  countIf(method = 'session') AS session,
  countIf(after_expiry) AS after_expiry, countIf(after_revocation) AS after_revocation,
  countIf(after_deprovision) AS after_deprovision, countIf(conflict) AS conflict`

/**
 * `unattributed` (metrics.md): agent actions in [from, to) by attribution outcome, server and
 * client, plus refused requests. One pass over the period's actions with GROUPING SETS
 * (all / per server / per client); the outer query only folds those few rows. Cost is
 * dominated by attributing every action of the period (see attributedActionCtes).
 */
export async function unattributedReport(opts: ReportOptions): Promise<UnattributedReport> {
  const generatedAt = opts.now ?? new Date()
  const period = { from: opts.from, to: opts.to }
  const row = await reportRow(
    sql`${withCtes(attributedActionCtes(period, opts.thresholds.default_token_lifetime_seconds))},
      tallies AS (
        SELECT GROUPING(server_name, client) AS grouping_set, server_name, client, ${actionTallies}
        FROM (SELECT *, if(server = '', 'unknown', server) AS server_name,
                        if(client_name = '', 'unknown', client_name) AS client FROM actions)
        GROUP BY GROUPING SETS ((), (server_name), (client))
      )
      SELECT
        sumIf(total, grouping_set = 3) AS total_actions,
        total_actions - unattributed_actions AS attributed_actions,
        sumIf(unattributed, grouping_set = 3) AS unattributed_actions,
        if(total_actions = 0, 0, unattributed_actions / total_actions) AS unattributed_ratio,
        CAST((sumIf(no_credential, grouping_set = 3), sumIf(unknown_credential, grouping_set = 3), sumIf(unmapped_subject, grouping_set = 3)),
          'Tuple(no_credential UInt64, unknown_credential UInt64, unmapped_subject UInt64)') AS by_reason,
        CAST((sumIf(credential, grouping_set = 3), sumIf(subject_claim, grouping_set = 3), sumIf(session, grouping_set = 3)),
          'Tuple(credential UInt64, subject_claim UInt64, session UInt64)') AS by_method,
        CAST(arraySort(x -> (-x.3, x.1), groupArrayIf((server_name, total, unattributed), grouping_set = 1)),
          'Array(Tuple(server String, total UInt64, unattributed UInt64))') AS by_server,
        CAST(arraySort(x -> (-x.3, x.1), groupArrayIf((client, total, unattributed), grouping_set = 2)),
          'Array(Tuple(client String, total UInt64, unattributed UInt64))') AS by_client,
        CAST((sumIf(after_expiry, grouping_set = 3), sumIf(after_revocation, grouping_set = 3),
              sumIf(after_deprovision, grouping_set = 3), sumIf(conflict, grouping_set = 3)),
          'Tuple(after_expiry UInt64, after_revocation UInt64, after_deprovision UInt64, conflict UInt64)') AS flagged,
        (SELECT uniqExact(event_id) FROM gateway_requests
          WHERE ${inWindow(sql`time`, period)} AND outcome = 'denied') AS denied_requests
      FROM tallies`,
    body,
    'unattributed',
  )
  return unattributedReportSchema.parse({ ...reportHeader('unattributed', opts, generatedAt), ...row })
}
