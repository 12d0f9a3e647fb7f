import { eq } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { openAppStore } from '@/db'
import { alerts } from '@/db/schema'
import { evaluateAlerts } from '@/lib/alerts/evaluate'
import { at, grant, inventoryKey, person, request, revocation, service, store, trigger } from '../reports/builders'
import { alertsOf, freshStores, setThresholds, useAlertStores } from './evaluation'

useAlertStores('rules')
beforeEach(freshStores)

const ms = (iso: string, delta: number) => new Date(new Date(iso).getTime() + delta).toISOString()
const dana = person('00uDANA', 'dana@example.com')

/** An agent action by Dana, attributed through her token (a known credential with a subject). */
const attributed = (time: string) => request({ time, credential_id: 'AT.dana' })
const unattributed = (time: string) => request({ time })

describe('unattributed_ratio: above the threshold over the window ending at the newest event', () => {
  it('holds at and below the ratio, fires one unattributed action above it, resolves when the ratio falls back', async () => {
    await setThresholds({ unattributed_ratio: 0.25 })
    await store({ facts: [dana, grant('AT.dana', '00uDANA', at('10-01 08:00'), { expires_at: at('10-03 00:00') })] })
    await store({ requests: [attributed(at('10-01 09:00')), attributed(at('10-01 09:01')), attributed(at('10-01 09:02')), attributed(at('10-01 09:03')), unattributed(at('10-01 09:04'))] })
    expect(await alertsOf('unattributed_ratio'), '1 of 5 = 0.2, below').toEqual([])
    await store({ requests: [unattributed(at('10-01 09:05')), attributed(at('10-01 09:06')), attributed(at('10-01 09:07'))] })
    expect(await alertsOf('unattributed_ratio'), '2 of 8 = 0.25, at').toEqual([])
    await store({ requests: [unattributed(at('10-01 09:08'))] })
    const [fired] = await alertsOf('unattributed_ratio')
    expect(fired, '3 of 9, above').toMatchObject({
      rule: 'unattributed_ratio',
      state: 'firing',
      subject: 'all',
      value: 3 / 9,
      threshold: 0.25,
      since: at('10-01 09:04'),
      link: `/actions?reason=unattributed&from=${encodeURIComponent(at('09-30 09:08'))}&to=${encodeURIComponent(ms(at('10-01 09:08'), 1))}`,
    })
    await store({ requests: [attributed(at('10-01 09:09')), attributed(at('10-01 09:10')), attributed(at('10-01 09:11'))] })
    expect(await alertsOf('unattributed_ratio'), '3 of 12 = 0.25 again').toEqual([])
  })

  it('counts only the rolling window: an action exactly window_hours before the newest event is in it, one a millisecond earlier is not', async () => {
    await setThresholds({ unattributed_ratio: 0.5, alert_rules: { unattributed_ratio: { window_hours: 1 } } })
    await store({ facts: [dana, grant('AT.dana', '00uDANA', at('10-01 08:00'), { expires_at: at('10-03 00:00') })] })
    await store({ requests: [unattributed(ms(at('10-01 09:00'), -1)), unattributed(at('10-01 09:00')), attributed(at('10-01 10:00'))] })
    expect(await alertsOf('unattributed_ratio'), '1 of 2 in the window = 0.5, at').toEqual([])
    await store({ requests: [unattributed(ms(at('10-01 09:00'), 1))] })
    expect((await alertsOf('unattributed_ratio'))[0]).toMatchObject({ value: 2 / 3, since: at('10-01 09:00') })
  })
})

describe('use_after_revocation: any action presenting a credential after its revocation', () => {
  const facts = [dana, grant('AT.dana', '00uDANA', at('10-01 08:00'), { expires_at: at('10-03 00:00') }), revocation('AT.dana', at('10-01 11:00'))]

  it('holds for actions before and exactly at the revocation, fires one millisecond after, per credential', async () => {
    await store({ facts, requests: [attributed(ms(at('10-01 11:00'), -1)), attributed(at('10-01 11:00'))] })
    expect(await alertsOf('use_after_revocation')).toEqual([])
    await store({ requests: [attributed(ms(at('10-01 11:00'), 1))] })
    expect(await alertsOf('use_after_revocation')).toMatchObject([
      { state: 'firing', subject: 'AT.dana', value: 1, threshold: 0, since: ms(at('10-01 11:00'), 1), link: expect.stringMatching(/^\/actions\?credential=AT.dana&flag=after_revocation&from=/) },
    ])
  })

  it('keeps one alert per rule and subject across evaluations, resolves once the use leaves the window, and fires a new alert on the next use', async () => {
    await store({ facts, requests: [attributed(at('10-01 12:00'))] })
    const [first] = await alertsOf('use_after_revocation')
    await store({ requests: [attributed(at('10-01 13:00'))] })
    const [again] = await alertsOf('use_after_revocation')
    expect(again).toMatchObject({ id: first.id, value: 2, since: at('10-01 12:00') })
    // a day of other traffic later, the uses are outside the 24-hour window
    await store({ requests: [unattributed(ms(at('10-02 13:00'), 1))] })
    expect(await alertsOf('use_after_revocation')).toEqual([])
    const [resolved] = await (await openAppStore()).select().from(alerts).where(eq(alerts.id, first.id))
    expect(resolved.state).toBe('resolved')
    await store({ requests: [attributed(at('10-02 14:00'))] })
    const [refired] = await alertsOf('use_after_revocation')
    expect(refired.id).not.toBe(first.id)
    expect(refired).toMatchObject({ state: 'firing', value: 1, since: at('10-02 14:00') })
  })
})

describe('use_after_deprovision: any action attributed to an identity after its deprovisioning trigger', () => {
  it('holds before and at the trigger, fires one millisecond after', async () => {
    await store({ facts: [dana, trigger('00uDANA', at('10-01 11:00'))] })
    await store({ requests: [request({ time: ms(at('10-01 11:00'), -1), user_claim: 'dana@example.com' }), request({ time: at('10-01 11:00'), user_claim: 'dana@example.com' })] })
    expect(await alertsOf('use_after_deprovision')).toEqual([])
    await store({ requests: [request({ time: ms(at('10-01 11:00'), 1), user_claim: 'dana@example.com' })] })
    expect(await alertsOf('use_after_deprovision')).toMatchObject([
      { subject: 'dana@example.com', value: 1, threshold: 0, since: ms(at('10-01 11:00'), 1), link: expect.stringMatching(/^\/actions\?identity=dana%40example.com&flag=after_deprovision&from=/) },
    ])
  })

  it('fires when a late IdP record attributes earlier actions to an identity deprovisioned before them', async () => {
    await store({ requests: [request({ time: at('10-01 12:00'), user_claim: 'dana@example.com' })] })
    expect(await alertsOf('use_after_deprovision'), 'nobody is known yet: unattributed').toEqual([])
    // the IdP's log arrives afterwards: Dana, deactivated at 11:00
    await store({ facts: [person('00uDANA', 'dana@example.com', { time: at('09-01 00:00') }), trigger('00uDANA', at('10-01 11:00'))] })
    expect(await alertsOf('use_after_deprovision')).toMatchObject([{ subject: 'dana@example.com', since: at('10-01 12:00') }])
  })
})

describe('ownerless_service_account: a service account no person owns', () => {
  it('fires for one without an owner, not for one with, and resolves when a late record names its owner', async () => {
    await store({
      facts: [
        service('0oaBOT', 'Billing bot', { time: at('10-01 09:00') }),
        service('0oaOWNED', 'Owned bot', { time: at('10-01 09:00'), owner: 'dana@example.com' }),
        dana,
      ],
    })
    expect(await alertsOf('ownerless_service_account')).toMatchObject([
      { subject: 'client:0oaBOT', value: 0, threshold: 1, since: at('10-01 09:00'), link: '/attribution/client%3A0oaBOT' },
    ])
    await store({ facts: [service('0oaBOT', 'Billing bot', { time: at('10-02 09:00'), owner: 'dana@example.com' })] })
    expect(await alertsOf('ownerless_service_account')).toEqual([])
  })
})

describe('unresolved_trigger: a trigger whose credentials stay live longer than the revocation SLA', () => {
  const facts = [dana, inventoryKey('sha256:key-dana', { type: 'api_key', created: at('09-01 00:00'), owner: 'dana@example.com' }), trigger('00uDANA', at('10-01 12:00'))]
  const newestAt = (time: string) => store({ requests: [unattributed(time)] })

  it('holds until the SLA has passed at the newest event, fires one second after, resolves on a late revocation', async () => {
    await setThresholds({ revocation_sla_seconds: 1800 })
    await store({ facts })
    await newestAt(at('10-01 12:29:59'))
    expect(await alertsOf('unresolved_trigger'), 'one second below the SLA').toEqual([])
    await newestAt(at('10-01 12:30:00'))
    expect(await alertsOf('unresolved_trigger'), 'at the SLA').toEqual([])
    await newestAt(at('10-01 12:30:01'))
    expect(await alertsOf('unresolved_trigger')).toMatchObject([
      {
        subject: 'dana@example.com',
        value: 1801,
        threshold: 1800,
        since: at('10-01 12:30'),
        link: `/revocation-latency?identity=dana%40example.com&unresolved=true&from=${encodeURIComponent(at('10-01 12:00'))}&to=${encodeURIComponent(ms(at('10-01 12:30:01'), 1))}`,
      },
    ])
    // the key's revocation, logged late (before the newest event): the trigger is resolved
    await store({ facts: [revocation('sha256:key-dana', at('10-01 12:20'), { source: 'keys' })] })
    expect(await alertsOf('unresolved_trigger')).toEqual([])
  })
})

describe('token_over_max_age: a credential live at the newest event older than its type allows', () => {
  it('holds at and below the maximum age, fires one millisecond above, resolves when it is revoked', async () => {
    await setThresholds({ max_age_days: { pat: 30 } })
    await store({ facts: [dana, inventoryKey('sha256:pat-dana', { type: 'pat', created: at('09-01 00:00'), owner: 'dana@example.com' })] })
    await store({ requests: [unattributed(ms(at('10-01 00:00'), -1))] })
    expect(await alertsOf('token_over_max_age'), 'a millisecond under 30 days').toEqual([])
    await store({ requests: [unattributed(at('10-01 00:00'))] })
    expect(await alertsOf('token_over_max_age'), 'exactly 30 days').toEqual([])
    await store({ requests: [unattributed(ms(at('10-01 00:00'), 1))] })
    const [fired] = await alertsOf('token_over_max_age')
    expect(fired).toMatchObject({ subject: 'sha256:pat-dana', threshold: 30, since: at('10-01 00:00') })
    expect(fired.value).toBeCloseTo(30 + 1 / 86_400_000, 12)
    expect(fired.link).toMatch(/^\/token-age\?over_max_age=true&type=pat&identity=dana%40example.com&from=/)
    await store({ facts: [revocation('sha256:pat-dana', at('10-01 00:00'), { source: 'keys' })] })
    expect(await alertsOf('token_over_max_age')).toEqual([])
  })
})

describe('source_silent: a source with no events for longer than N minutes before the newest event', () => {
  it('holds at and below N minutes of silence, fires a millisecond over, resolves when the source speaks again', async () => {
    await setThresholds({ alert_rules: { source_silent: { minutes: 30 } } })
    await store({ requests: [unattributed(at('10-01 09:00'))], facts: [dana, inventoryKey('sha256:old', { type: 'api_key', created: at('01-01 00:00'), owner: 'dana@example.com' })] })
    await store({ facts: [person('00uLEE', 'lee@example.com', { time: ms(at('10-01 09:30'), -1) })] })
    expect(await alertsOf('source_silent'), 'a millisecond under 30 minutes (the key inventory is never silent)').toEqual([])
    await store({ facts: [person('00uKIM', 'kim@example.com', { time: at('10-01 09:30') })] })
    expect(await alertsOf('source_silent'), 'exactly 30 minutes').toEqual([])
    await store({ facts: [person('00uSAM', 'sam@example.com', { time: ms(at('10-01 09:30'), 1) })] })
    const [fired] = await alertsOf('source_silent')
    expect(fired).toMatchObject({ subject: 'gateway', threshold: 30, since: at('10-01 09:30'), link: `/coverage?from=${encodeURIComponent(at('10-01 00:00'))}&to=${encodeURIComponent(ms(at('10-01 09:30'), 2))}` })
    expect(fired.value).toBeCloseTo(30 + 1 / 60_000, 9)
    await store({ requests: [unattributed(at('10-01 09:31'))] })
    expect(await alertsOf('source_silent')).toEqual([])
  })
})

describe('rules switched off', () => {
  it('a disabled rule raises nothing and resolves its open alerts', async () => {
    await store({ facts: [service('0oaBOT', 'Billing bot')] })
    expect(await alertsOf('ownerless_service_account')).toHaveLength(1)
    await setThresholds({ alert_rules: { ownerless_service_account: { enabled: false } } })
    expect((await evaluateAlerts()).alerts).toEqual([])
  })
})
