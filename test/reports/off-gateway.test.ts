import { describe, expect, it } from 'vitest'
import { offGatewayReport } from '@/lib/reports/off-gateway'
import { at, grant, inventoryKey, request, store, twice } from './builders'
import { header, period, useReportStore } from './setup'

useReportStore('off-gateway')

const day = period(at('10-01 00:00'), at('10-02 00:00'))

describe('off-gateway report', () => {
  it('lists per agent client the grants no gateway ever saw presented', async () => {
    const agent = { client_id: '0oaAGENT' }
    await store({
      facts: twice(
        [
          grant('AT.g1', '00uDANA', at('10-01 10:00'), agent), // presented at the gateway
          grant('AT.g2', '00uDANA', at('10-01 11:00'), agent),
          grant('AT.g3', '00uLEE', at('10-01 12:00'), agent),
          grant('AT.g4', '00uDANA', at('10-01 12:00'), { client_id: '0oaWEB' }), // a client no gateway has seen
          grant('AT.g5', '00uLEE', at('10-01 13:00'), { client_id: '0oaCLI' }),
          grant('AT.g6', '00uDANA', at('09-30 12:00'), agent), // before the period
          grant('AT.g7', '00uDANA', at('10-01 14:00'), agent), // seen, though refused
          grant('AT.g8', '00uDANA', at('10-02 00:00'), agent), // at `to`
          inventoryKey('sha256:never-used', { type: 'api_key', created: at('10-01 00:00'), owner: 'dana@example.com' }),
        ],
        (f) => f.credential_id === 'AT.g2',
      ),
      requests: [
        request({ time: at('10-01 10:05'), credential_id: 'AT.g1' }),
        request({ time: at('10-01 10:06'), credential_id: 'AT.other', jwt_client_id: '0oaCLI' }),
        request({ time: at('10-01 14:05'), credential_id: 'AT.g7', outcome: 'denied' }),
      ],
    })
    expect(await offGatewayReport(day)).toEqual({
      ...header('off-gateway', day),
      clients: [
        { client: '0oaAGENT', grants: 2, last_grant: at('10-01 12:00') },
        { client: '0oaCLI', grants: 1, last_grant: at('10-01 13:00') },
      ],
    })
  })

  it('answers an empty list for a period without grants', async () => {
    const quiet = period(at('11-01 00:00'), at('11-02 00:00'))
    expect(await offGatewayReport(quiet)).toEqual({ ...header('off-gateway', quiet), clients: [] })
  })
})
