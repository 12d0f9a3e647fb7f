import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { custodyChain } from '@/lib/custody-chain'
import { at, store } from '../reports/builders'
import { mixedDay } from '../reports/scenario'
import { useReportStore } from '../reports/setup'

useReportStore('custody-chain')
afterAll(closeAppStore)

const { facts, requests } = mixedDay()
// distinctive raw records, so each step can be traced to the record it shows
for (const r of requests) r.raw = JSON.stringify({ line: r.time, session: r.session_id })
for (const f of facts) f.raw = JSON.stringify({ record: f.kind, subject: f.subject_id, credential: f.credential_id })

/** The event id of the request at `time` (the first, when two share it). */
function eventAt(time: string, pick: (r: (typeof requests)[number]) => boolean = () => true): string {
  const found = requests.find((r) => r.time === at(time) && pick(r))
  if (!found) throw new Error(`no request at ${time}`)
  return found.event_id
}

beforeAll(async () => {
  await store({ facts, requests })
})

describe("an action's chain of custody", () => {
  it('follows a presented credential to its grant, its identity and that identity’s lifecycle (rule 1)', async () => {
    const chain = await custodyChain(cliActor, eventAt('10-01 09:30'))
    expect(chain?.request).toMatchObject({ source: 'gateway', credential_id: 'AT.d1', session_id: 'S1', user: 'lee@example.com', agent_action: true })
    expect(chain?.request.raw).toBe(JSON.stringify({ line: at('10-01 09:30'), session: 'S1' }))
    expect(chain?.decision).toMatchObject({ identity: 'dana@example.com', method: 'credential', reason: '', conflict: true, credential_identity: 'dana@example.com', user_identity: 'lee@example.com' })
    expect(chain?.explanation).toBe(
      'Rule 1 (credential): the action presented AT.d1, a known credential issued to dana@example.com. Its subject claim names lee@example.com: rule 1 wins, and the action is flagged as a conflict.',
    )
    expect(chain?.credential).toMatchObject({
      credential_id: 'AT.d1', presented: true, known: true, type: 'oauth_access', subject: 'dana@example.com', issuer_source: 'okta',
      issued_at: at('10-01 09:00'), expires_at: at('10-01 10:00'), revoked_at: null, last_used_at: at('10-02 00:00'),
    })
    expect(chain?.grant).toMatchObject({ kind: 'credential', source: 'okta', subject_id: '00uDANA', time: at('10-01 09:00'), raw: JSON.stringify({ record: 'credential', subject: '00uDANA', credential: 'AT.d1' }) })
    expect(chain?.identity).toMatchObject({ identity: 'dana@example.com', kind: 'person', display_name: 'Dana Lee', owner: null, ownerless: false })
    expect(chain?.identity?.record).toMatchObject({ kind: 'identity' })
    // Okta deactivated Dana at 12:00; Entra revoked every session of the same person (by e-mail) at 12:45
    expect(chain?.lifecycle.map((r) => [r.kind, r.source, r.time, r.vendor_event_type])).toEqual([
      ['trigger', 'okta', at('10-01 12:00'), 'user.lifecycle.deactivate'],
      ['subject_revocation', 'entra', at('10-01 12:45'), ''],
    ])
  })

  it('shows an explicit revocation of the presented credential and the flags it raised', async () => {
    const chain = await custodyChain(cliActor, eventAt('10-01 11:15'))
    expect(chain?.decision).toMatchObject({ method: 'credential', after_revocation: true, after_expiry: false, after_deprovision: false })
    expect(chain?.credential).toMatchObject({ credential_id: 'AT.d2', revoked_at: at('10-01 11:00'), client_id: '0oaBOT' })
    expect(chain?.lifecycle.map((r) => [r.kind, r.time])).toContainEqual(['revocation', at('10-01 11:00')])
  })

  it('names the subject claim that decided it, and the unknown credential rule 1 could not use (rule 2)', async () => {
    const bot = await custodyChain(cliActor, eventAt('10-01 12:30'))
    expect(bot?.decision).toMatchObject({ identity: 'client:0oaBOT', method: 'subject_claim', sub_identity: 'client:0oaBOT' })
    expect(bot?.explanation).toBe('Rule 2 (subject claim): the gateway recorded sub 0oaBOT, which names client:0oaBOT.')
    expect(bot?.credential).toBeNull()
    expect(bot?.identity).toMatchObject({ kind: 'service', display_name: 'Billing bot', owner: 'dana@example.com', ownerless: false })

    const login = await custodyChain(cliActor, eventAt('10-01 13:00'))
    expect(login?.decision).toMatchObject({ identity: 'dana@example.com', method: 'subject_claim', user_identity: 'dana@example.com', after_deprovision: true })
    expect(login?.explanation).toContain('the gateway recorded user DANA.LEE, which names dana@example.com')
    expect(login?.explanation).toContain('The credential it presented (AT.ghost) is not known with a subject')
    expect(login?.credential).toMatchObject({ credential_id: 'AT.ghost', known: false, subject: '', presented: true })
    expect(login?.grant).toBeNull()
  })

  it('names the session seed an inherited action took its identity from, and that seed’s credential (rule 3)', async () => {
    const inherited = await custodyChain(cliActor, eventAt('10-01 10:30'))
    expect(inherited?.decision).toMatchObject({ identity: 'dana@example.com', method: 'session' })
    expect(inherited?.seed).toMatchObject({ event_id: eventAt('10-01 09:30'), rule: 'credential', credential_id: 'AT.d1', source: 'gateway' })
    expect(inherited?.credential).toMatchObject({ credential_id: 'AT.d1', presented: false })
    expect(inherited?.grant).toMatchObject({ credential_id: 'AT.d1', kind: 'credential' })
    expect(inherited?.explanation).toContain(`request ${eventAt('10-01 09:30')} at ${at('10-01 09:30')}, earlier in session S1, was attributed to dana@example.com by rule 1 (credential)`)

    // plumbing seeds: the bot's initialize at 15:00 passes the bot on to 15:01
    const plumbing = await custodyChain(cliActor, eventAt('10-01 15:01'))
    expect(plumbing?.seed).toMatchObject({ method: 'initialize', credential_id: 'AT.bot' })
    expect(plumbing?.identity).toMatchObject({ identity: 'client:0oaBOT' })

    // inheritance crosses the period bound: Lee's sub claim at 09-30 23:59 seeds session S4
    const crossing = await custodyChain(cliActor, eventAt('10-01 00:00'))
    expect(crossing?.seed).toMatchObject({ time: at('09-30 23:59'), rule: 'subject_claim', credential_id: '' })
    expect(crossing?.credential).toBeNull()
    expect(crossing?.explanation).toContain('by rule 2 (subject claim)')
  })

  it.each([
    ['10-01 13:10', 'unknown_credential', 'Unattributed (unknown credential): it presented AT.ghost2, which no IdP log or key inventory records with a subject; it belongs to no MCP session to inherit from.'],
    ['10-01 13:20', 'unmapped_subject', 'Unattributed (unmapped subject): it presented no credential, and its subject claim (user mallory@evil.test) maps to no identity any IdP names; it belongs to no MCP session to inherit from.'],
    ['10-01 13:30', 'no_credential', 'Unattributed (no credential): it presented neither a credential nor a subject claim, and it belongs to no MCP session to inherit from.'],
    ['10-01 14:05', 'no_credential', 'Unattributed (no credential): it presented neither a credential nor a subject claim, and no earlier request of session S2 was attributed.'],
  ])('says why the action at %s could not be attributed (%s)', async (time, reason, explanation) => {
    const chain = await custodyChain(cliActor, eventAt(time))
    expect(chain?.decision).toMatchObject({ identity: '', method: '', reason })
    expect(chain?.explanation).toBe(explanation)
    expect(chain?.identity).toBeNull()
    expect(chain?.lifecycle).toEqual([])
  })

  it('shows a refused request as the record it is, not as an action', async () => {
    const refused = await custodyChain(cliActor, eventAt('10-01 14:00'))
    expect(refused?.request).toMatchObject({ outcome: 'denied', agent_action: false })
    expect(refused?.decision).toBeNull()
    expect(refused?.explanation).toContain('the gateway refused this request')
  })

  it('answers null for an event that does not exist, or is outside the period asked for', async () => {
    expect(await custodyChain(cliActor, 'req-does-not-exist')).toBeNull()
    const outside = { from: new Date(at('11-01 00:00')), to: new Date(at('12-01 00:00')) }
    expect(await custodyChain(cliActor, eventAt('10-01 09:30'), outside)).toBeNull()
  })
})
