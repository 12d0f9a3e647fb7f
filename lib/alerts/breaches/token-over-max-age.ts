import { z } from 'zod'
import { credentialCtes, withCtes } from '@/lib/attribution'
import { sql } from '@/lib/clickhouse'
import { ratedCredentialsCte } from '@/lib/reports/token-age'
import { reportThresholds } from '@/lib/thresholds/settings'
import { breachRows, evidenceLink, through, type Breach, type RuleInput } from './breach'

/**
 * `token_over_max_age`: every credential live at the newest event (issued before it, neither
 * expired nor revoked by then) whose age then is strictly above its type's maximum — token-age's
 * own rating (ratedCredentialsCte) at that instant. `value` is its age in days, `since` when it
 * passed the maximum.
 */
export async function tokenOverMaxAgeBreaches({ newest, settings }: RuleInput): Promise<Breach[]> {
  const instant = { from: newest, to: newest }
  const rows = await breachRows(
    sql`${withCtes(credentialCtes(settings.default_token_lifetime_seconds), [ratedCredentialsCte(instant, reportThresholds(settings, 0))])}
      SELECT credential_id AS subject, age AS value, max_age AS threshold, type, holder AS identity,
        addMilliseconds(issued_at, toInt64(max_age * 86400000)) AS since
      -- the credential's own subject column is renamed before the alias 'subject' shadows it
      FROM (SELECT *, subject AS holder FROM rated)
      WHERE live AND over_max_age`,
    'token_over_max_age',
    { threshold: z.number(), type: z.string(), identity: z.string() },
  )
  return rows.map((r) => ({
    subject: r.subject,
    value: r.value,
    threshold: r.threshold,
    since: new Date(r.since),
    link: evidenceLink('/token-age', { over_max_age: 'true', type: r.type, identity: r.identity, from: newest, to: through(newest) }),
  }))
}
