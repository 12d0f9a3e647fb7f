import { z } from 'zod'
import { sql } from '@/lib/clickhouse'
import { actionGroupsCtes, inWindow, withCtes } from '@/lib/attribution'
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

/** Tallies shared by the attribution report, summed over `action_groups`: how, why not, and which flags. */
export const actionTallies = sql`
  sum(actions) AS total, sumIf(actions, identity = '') AS unattributed,
  sumIf(actions, reason = 'no_credential') AS no_credential, sumIf(actions, reason = 'unknown_credential') AS unknown_credential,
  sumIf(actions, reason = 'unmapped_subject') AS unmapped_subject,
  sumIf(actions, method = 'credential') AS credential, sumIf(actions, method = 'subject_claim') AS subject_claim,
  sumIf(actions, method = 'session') AS session,
  sum(after_expiry) AS after_expiry, sum(after_revocation) AS after_revocation,
  sum(after_deprovision) AS after_deprovision, sum(conflict) AS conflict`

/**
 * `unattributed` (metrics.md): agent actions in [from, to) by attribution outcome, server and
 * client, plus refused requests. One pass over the period's action groups (actionGroupsCtes:
 * whole hours pre-aggregated, edge hours from the stored actions) with GROUPING SETS (all /
 * per server / per client); the outer query only folds those few rows.
 */
export async function unattributedReport(opts: ReportOptions): Promise<UnattributedReport> {
  const generatedAt = opts.now ?? new Date()
  const period = { from: opts.from, to: opts.to }
  const row = await reportRow(
    sql`${withCtes(actionGroupsCtes(period, opts.thresholds.default_token_lifetime_seconds))},
      tallies AS (
        SELECT GROUPING(server_name, client) AS grouping_set, server_name, client, ${actionTallies}
        FROM (SELECT *, if(server = '', 'unknown', server) AS server_name,
                        if(client_name = '', 'unknown', client_name) AS client FROM action_groups)
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
