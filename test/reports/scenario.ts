import type { GatewayRequestRow, IdpFactRow } from '@/lib/sources/types'
import { at, fact, grant, inventoryKey, person, request, revocation, service, trigger } from './builders'

/**
 * One day of mixed evidence touching every rule and report: people in two IdPs, a bot, an
 * inventory key, grants around the period bounds, revocations (explicit, subject-wide,
 * inventory), triggers, sessions seeded before the period and by plumbing, refused requests.
 */
export function mixedDay(): { facts: IdpFactRow[]; requests: GatewayRequestRow[] } {
  const facts = [
    person('00uDANA', 'dana@example.com', { login: 'dana.lee', display_name: 'Dana Lee' }),
    person('guid-dana', 'Dana@Example.com', { source: 'entra' }),
    person('00uLEE', 'lee@example.com'),
    service('0oaBOT', 'Billing bot', { owner: '00uDANA' }),
    grant('AT.d1', '00uDANA', at('10-01 09:00')),
    grant('AT.d2', '00uDANA', at('10-01 10:30'), { expires_at: at('10-01 11:30'), client_id: '0oaBOT' }),
    revocation('AT.d2', at('10-01 11:00')),
    grant('uti-1', 'guid-dana', at('10-01 11:00'), { source: 'entra', expires_at: at('10-01 13:00') }),
    fact({ source: 'entra', kind: 'subject_revocation', time: at('10-01 12:45'), subject_kind: 'person', subject_id: 'guid-dana' }),
    grant('AT.unused', '00uLEE', at('10-01 08:00'), { client_id: '0oaBOT' }),
    trigger('00uDANA', at('10-01 12:00')),
    grant('AT.bot', '0oaBOT', at('10-01 14:50'), { subject_kind: 'service', expires_at: at('10-01 15:50') }),
    inventoryKey('sha256:key-lee', { type: 'pat', created: at('06-01 00:00'), owner: 'lee@example.com' }),
    revocation('sha256:key-lee', at('10-01 16:00'), { source: 'keys' }),
    trigger('00uLEE', at('10-01 15:30')),
  ]
  const requests = [
    request({ time: at('09-30 23:59'), session_id: 'S4', jwt_sub: '00uLEE' }),
    request({ time: at('10-01 00:00'), session_id: 'S4' }),
    request({ time: at('10-01 09:30'), session_id: 'S1', credential_id: 'AT.d1', user_claim: 'lee@example.com' }),
    request({ time: at('10-01 10:30'), session_id: 'S1' }),
    request({ time: at('10-01 10:45'), credential_id: 'AT.d1', server: 'crm' }),
    request({ time: at('10-01 11:15'), credential_id: 'AT.d2', jwt_client_id: '0oaBOT' }),
    request({ time: at('10-01 12:30'), jwt_sub: '0oaBOT' }),
    request({ time: at('10-01 12:40'), credential_id: 'uti-1' }),
    request({ time: at('10-01 13:00'), credential_id: 'AT.ghost', user_claim: 'DANA.LEE' }),
    request({ time: at('10-01 13:10'), credential_id: 'AT.ghost2', client_name: 'cursor' }),
    request({ time: at('10-01 13:20'), user_claim: 'mallory@evil.test', client_name: 'cursor' }),
    request({ time: at('10-01 13:30'), server: '', client_name: '' }),
    request({ time: at('10-01 14:00'), session_id: 'S2', credential_id: 'AT.d1', outcome: 'denied' }),
    request({ time: at('10-01 14:05'), session_id: 'S2' }),
    request({ time: at('10-01 15:00'), session_id: 'S3', credential_id: 'AT.bot', method: 'initialize' }),
    request({ time: at('10-01 15:01'), session_id: 'S3' }),
    request({ time: at('10-01 16:30'), credential_id: 'sha256:key-lee', auth_scheme: 'api_key', credential_type: 'api_key' }),
    request({ time: at('10-01 17:00'), session_id: 'S5', credential_id: 'AT.d1' }),
    request({ time: at('10-01 17:00'), session_id: 'S5' }),
    request({ time: at('10-01 18:00'), jwt_sub: '00uLEE', outcome: 'error' }),
    request({ time: at('10-01 19:00'), credential_id: 'AT.gw', token_iat: at('10-01 18:30'), token_exp: at('10-01 18:45') }),
    request({ time: at('10-02 00:00'), credential_id: 'AT.d1' }),
  ]
  return { facts, requests }
}
