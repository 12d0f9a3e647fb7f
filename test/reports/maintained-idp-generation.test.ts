import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { insert } from '@/lib/clickhouse'
import { maintainAttribution } from '@/lib/attribution'
import type { GatewayRequestRow, IdpFactRow } from '@/lib/sources/types'
import { at, fact, grant, inventoryKey, person, request, revocation, service, trigger } from './builders'
import { currentAndFromScratch } from './maintained-idp'
import { emptyStore, useReportStore } from './setup'
import { storeProperty } from '../store-property'

useReportStore('maintained-idp-generation')

type Batch = { facts?: IdpFactRow[]; requests?: GatewayRequestRow[] }

/**
 * Stores each batch and maintains, as the ingest pipeline does; after every batch the IdP
 * generation in force (built from the previous one, after the first) equals, table by table and
 * row by row, one built from every fact.
 */
async function deliverComparing(batches: Batch[]): Promise<void> {
  for (const [i, batch] of batches.entries()) {
    await insert('idp_events', batch.facts ?? [], { tag: 'test' })
    await insert('gateway_requests', batch.requests ?? [], { tag: 'test' })
    const outcome = await maintainAttribution()
    if (i > 0 && (batch.facts ?? []).length > 0) expect([outcome.kind, outcome.idp], 'built from the previous generation').toEqual(['incremental', true])
    const { current, fromScratch } = await currentAndFromScratch()
    expect(current, `after batch ${i + 1} of ${batches.length}`).toEqual(fromScratch)
  }
}

const redelivered = (original: IdpFactRow, reading: Partial<IdpFactRow>): IdpFactRow => ({ ...original, ...reading })

describe('the IdP generation built from the previous one', () => {
  it('equals one built from every fact after late facts move an e-mail, an owner, a login, a subject-wide revocation, a grant and triggers', { timeout: 120_000 }, async () => {
    await emptyStore()
    const moved = person('00uC', 'c@example.com', { time: at('10-01 08:00') })
    const early = { time: at('10-01 08:00') }
    await deliverComparing([
      {
        facts: [
          person('00uA', 'a@example.com', { ...early, login: 'a.login' }), // its e-mail is a `user` claim only as an e-mail
          person('00uB', 'b@example.com', { ...early, login: 'bee' }),
          service('0oaBOT', 'Bot', { ...early, owner: '00uA' }),
          grant('AT.1', '00uA', at('10-01 09:00')),
          grant('AT.2', '0oaBOT', at('10-01 09:00'), { subject_kind: 'service' }),
          grant('AT.3', '00uB', at('10-01 09:00')),
          inventoryKey('sha256:k1', { type: 'api_key', created: at('10-01 07:00'), owner: 'b@example.com' }),
          moved,
        ],
        requests: [
          request({ time: at('10-01 09:30'), credential_id: 'AT.1', token_iat: at('10-01 08:30') }),
          request({ time: at('10-01 09:40'), jwt_sub: '00uA', user_claim: 'bee' }),
        ],
      },
      // a late e-mail for 00uA: its subject, claims, AT.1's subject and the bot's owner (named by user id) move
      { facts: [person('00uA', 'a2@example.com', { time: at('10-01 10:00') })] },
      {
        facts: [
          fact({ kind: 'subject_revocation', time: at('10-01 12:00'), subject_kind: 'person', subject_id: '00uB' }),
          grant('AT.4', '00uB', at('10-01 11:00'), { client_id: '0oaCLI' }),
          service('0oaBOT', 'Bot', { time: at('10-01 12:00'), owner: '00uB' }),
          person('00uB', 'b@example.com', { time: at('10-01 12:00'), login: 'bee2' }),
          // the same record read again differently: its fact now names another subject
          redelivered(moved, { subject_id: '00uD', email: 'd@example.com', login: 'd@example.com' }),
        ],
        requests: [request({ time: at('10-01 12:30'), credential_id: 'AT.4', token_iat: at('10-01 10:30') })],
      },
      {
        facts: [
          grant('AT.5', '00uC', at('10-01 13:00')), // 00uC again: its e-mail went with the re-read record
          person('00uC', '', { time: at('10-01 13:30'), login: 'bee2' }), // a login 00uB has too: the smallest identity keeps the claim
          trigger('00uA', at('10-01 13:00')),
          trigger('00uA', at('10-01 11:30')), // late and earlier: the first trigger moves
          revocation('AT.1', at('10-01 14:00')),
          grant('AT.2', '0oaBOT', at('10-01 08:00'), { subject_kind: 'service', client_id: '0oaBOT' }), // an earlier grant of AT.2
        ],
      },
      // 00uA moves again, with its triggers: they now remove its new identity
      { facts: [person('00uA', 'a3@example.com', { time: at('10-01 15:00'), login: 'a.login' })] },
    ])
    // the late facts took effect (the comparison is not between two unchanged generations)
    const { current } = await currentAndFromScratch()
    const subjects = current.attribution_subjects as Array<{ subject_id: string; identity: string }>
    expect(subjects.filter((s) => ['00uA', '00uC', '00uD'].includes(s.subject_id)).map((s) => [s.subject_id, s.identity])).toEqual([
      ['00uA', 'a3@example.com'],
      ['00uC', 'okta:00uC'],
      ['00uD', 'd@example.com'],
    ])
    const identities = current.attribution_identities as Array<{ identity: string; owner: string | null }>
    expect(identities.find((i) => i.identity === 'client:0oaBOT')?.owner).toBe('b@example.com')
    const credentials = current.attribution_credentials as Array<{ credential_id: string; subject: string; revoked_at: string | null }>
    expect(credentials.filter((c) => ['AT.1', 'AT.3'].includes(c.credential_id)).map((c) => [c.credential_id, c.subject, c.revoked_at])).toEqual([
      ['AT.1', 'a3@example.com', at('10-01 14:00')],
      ['AT.3', 'b@example.com', at('10-01 12:00')],
    ])
    const triggers = current.attribution_triggers as Array<{ identity: string; time: string }>
    expect(triggers.map((t) => [t.identity, t.time]).sort()).toEqual([
      ['a3@example.com', at('10-01 11:30')],
      ['a3@example.com', at('10-01 13:00')],
    ])
    const claims = current.attribution_claims as Array<{ claim_kind: string; claim: string; identity: string }>
    expect(claims.filter((c) => c.claim_kind === 'user' && c.claim.startsWith('bee')).map((c) => [c.claim, c.identity])).toEqual([
      ['bee', 'b@example.com'],
      ['bee2', 'b@example.com'],
    ])
  })

  it("rewrites a presented credential's row from each fact's latest reading: a revocation read again as another fact revokes nothing", { timeout: 60_000 }, async () => {
    await emptyStore()
    const revoked = revocation('AT.1', at('10-01 08:00'))
    await deliverComparing([
      { facts: [revoked] },
      // the same record read again: now it names a service, not the credential
      { facts: [{ ...service('0oaBOT', 'Bot', { time: at('10-01 08:00') }), event_id: revoked.event_id, fact_index: revoked.fact_index }] },
      // a gateway batch alone: the credential's row is rewritten with its new evidence
      { requests: [request({ time: at('10-01 09:00'), credential_id: 'AT.1' })] },
    ])
    const { current } = await currentAndFromScratch()
    const credentials = current.attribution_credentials as Array<{ credential_id: string; presented: number; revoked_at: string | null }>
    expect(credentials.map((c) => [c.credential_id, c.presented, c.revoked_at])).toEqual([['AT.1', 1, null]])
  })

  it('reads facts stored in the watermark millisecond after the last run as new', { timeout: 60_000 }, async () => {
    await emptyStore()
    const stamped = (row: IdpFactRow) => ({ ...row, ingested_at: '2026-11-01 00:00:00.000' })
    await insert('idp_events', [stamped(person('00uW', 'w@example.com', { time: at('10-01 08:00') }))], { tag: 'test' })
    await maintainAttribution()
    // another writer's fact, stamped with the same millisecond after the run read it
    await insert('idp_events', [stamped(person('00uW', 'w2@example.com', { time: at('10-01 09:00') }))], { tag: 'test' })
    expect((await maintainAttribution()).idp).toBe(true)
    const { current, fromScratch } = await currentAndFromScratch()
    expect(current).toEqual(fromScratch)
    expect((current.attribution_subjects as Array<{ identity: string }>).map((s) => s.identity)).toEqual(['w2@example.com'])
  })

  it('equals one built from every fact after random IdP batches, repeats and records read again differently', { timeout: 600_000 }, async ({ task }) => {
    const people = ['00uA', '00uB', '00uC']
    const emails = ['', 'a@example.com', 'B@Example.com', 'c@example.com']
    const credentials = ['AT.1', 'AT.2', 'AT.3', 'sha256:k1']
    const time = fc.integer({ min: 0, max: 96 }).map((q) => new Date(Date.parse(at('10-01 00:00')) + q * 900_000).toISOString())
    const factArbitrary: fc.Arbitrary<IdpFactRow> = fc.oneof(
      fc.record({ s: fc.constantFrom(...people), e: fc.constantFrom(...emails), t: time, login: fc.constantFrom('', 'x.login', 'a@example.com') }).map(
        ({ s, e, t, login }) => person(s, e, { time: t, login }),
      ),
      fc.record({ e: fc.constantFrom(...emails), t: time }).map(({ e, t }) => person('guid-1', e, { source: 'entra', time: t })),
      fc.record({ t: time, owner: fc.constantFrom('', ...people, 'c@example.com') }).map(({ t, owner }) => service('0oaBOT', 'Bot', { time: t, owner })),
      fc.record({ c: fc.constantFrom(...credentials), s: fc.constantFrom(...people, '0oaBOT'), t: time, client: fc.constantFrom('', '0oaCLI') }).map(
        ({ c, s, t, client }) => grant(c, s, t, { subject_kind: s === '0oaBOT' ? 'service' : 'person', client_id: client }),
      ),
      fc.record({ t: time, owner: fc.constantFrom('a@example.com', 'c@example.com') }).map(({ t, owner }) =>
        inventoryKey('sha256:k1', { type: 'api_key', created: t, owner }),
      ),
      fc.record({ c: fc.constantFrom(...credentials), t: time }).map(({ c, t }) => revocation(c, t)),
      fc.record({ s: fc.constantFrom(...people), t: time }).map(({ s, t }) => fact({ kind: 'subject_revocation', time: t, subject_kind: 'person', subject_id: s })),
      fc.record({ s: fc.constantFrom(...people, 'guid-1'), t: time }).map(({ s, t }) => trigger(s, t, s === 'guid-1' ? { source: 'entra' } : {})),
    )
    const requestArbitrary = fc
      .record({ c: fc.constantFrom(...credentials), t: time, iat: fc.option(time, { nil: null }) })
      .map(({ c, t, iat }) => request({ time: t, credential_id: c, token_iat: iat }))
    // a batch: new facts, earlier facts again (the same copy, or the same record read differently), requests
    const batchArbitrary = fc.record({
      facts: fc.array(factArbitrary, { maxLength: 5 }),
      repeats: fc.array(fc.tuple(fc.nat(), fc.option(factArbitrary, { nil: null })), { maxLength: 2 }),
      requests: fc.array(requestArbitrary, { maxLength: 2 }),
    })
    await fc.assert(
      fc.asyncProperty(fc.array(batchArbitrary, { minLength: 2, maxLength: 5 }), async (drafts) => {
        await emptyStore()
        const stored: IdpFactRow[] = []
        const batches = drafts.map(({ facts, repeats, requests }) => {
          const again = stored.length === 0 ? [] : repeats.map(([i, reading]) => {
            const original = stored[i % stored.length]
            return reading === null ? original : { ...reading, event_id: original.event_id, fact_index: original.fact_index }
          })
          stored.push(...facts)
          return { facts: [...facts, ...again], requests }
        })
        await deliverComparing(batches)
      }),
      storeProperty(15, task),
    )
  })
})
