import { describe, expect, it } from 'vitest'
import { query, sql, type SqlFragment } from '@/lib/clickhouse'
import { withCtes } from '@/lib/attribution'
import { gatewayCredentialEvidenceCte } from '@/lib/attribution/credentials'
import { sessionClaimsCte } from '@/lib/attribution/session'
import { at, request, store } from './builders'
import { useReportStore } from './setup'

useReportStore('projections')

/**
 * The reports read the gateway side of the credential set and of session inheritance from
 * aggregating projections (db/clickhouse/0005) only while their queries keep the
 * projections' exact expressions. A drifted query still answers right, only reading every
 * request again (at 10M requests, seconds per report): the engine refuses it here instead.
 */
async function readsProjection(fragment: SqlFragment, projection: string): Promise<unknown[]> {
  return query(fragment, { tag: 'test', settings: { force_optimize_projection_name: projection } })
}

describe('report projections', () => {
  it('answers what the gateway saw of each credential from per_credential', async () => {
    await store({
      requests: [
        request({ time: at('10-01 09:00'), credential_id: 'AT.1', jwt_client_id: '0oaAGENT', token_iat: at('10-01 08:59') }),
        request({ time: at('10-01 09:05'), credential_id: 'AT.1', jwt_client_id: '0oaAGENT' }),
      ],
    })
    const rows = await readsProjection(
      sql`${withCtes([gatewayCredentialEvidenceCte])} SELECT credential_id, type, client, issued FROM gateway_credential_evidence`,
      'per_credential',
    )
    expect(rows).toEqual([{ credential_id: 'AT.1', type: 'oauth_access', client: '0oaAGENT', issued: '2026-10-01T08:59:00.000Z' }])
  })

  it('answers when each session acted and what seeded it from per_session_claims', async () => {
    await store({
      requests: [
        request({ time: at('10-02 09:00'), session_id: 'mcp-1', method: 'initialize', credential_id: 'AT.2' }),
        request({ time: at('10-02 09:01'), session_id: 'mcp-1' }),
        request({ time: at('10-02 09:02'), session_id: 'mcp-1', outcome: 'denied' }),
      ],
    })
    const rows = await readsProjection(
      sql`${withCtes([sessionClaimsCte])}
        SELECT credential_id, actions, length(let_through_times) AS let_through FROM session_claims
        WHERE session_id = 'mcp-1' ORDER BY credential_id`,
      'per_session_claims',
    )
    expect(rows).toEqual([
      { credential_id: '', actions: 1, let_through: 1 },
      { credential_id: 'AT.2', actions: 0, let_through: 1 },
    ])
  })
})
