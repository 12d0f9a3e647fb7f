import { describe, expect, it } from 'vitest'
import { googleSource } from '@/lib/sources/google'
import { factsOf, fixtureRecords, parseError, stated } from './vendor-fixtures'

const records = (name: string) => fixtureRecords(googleSource, name)
const DANA = { kind: 'identity', subject_kind: 'person', subject_id: '108734561209876543210', email: 'dana.lee@example.com', login: 'dana.lee@example.com' }

describe('Google Workspace activities', () => {
  it('expands an activities.list page; a token authorization names the person (Google logs no token id)', () => {
    const page = records('google/token-page.json')
    expect(page).toHaveLength(3)
    const facts = factsOf(googleSource, page[0])
    expect(facts[0]).toMatchObject({ source: 'google', event_id: 'token:2026-03-04T15:12:07.552Z:-4811927403316598217', time: '2026-03-04T15:12:07.552Z', vendor_event_type: 'token.authorize' })
    expect(stated(facts)).toEqual([DANA])
    expect(stated(factsOf(googleSource, page[2]))).toEqual([DANA])
  })

  it('reads SUSPEND_USER and DELETE_USER as triggers for the user e-mail, in any event of the activity', () => {
    const [suspend, revoke3lo, byKey] = records('google/activities.ndjson')
    expect(stated(factsOf(googleSource, suspend))[0]).toEqual({ kind: 'trigger', subject_kind: 'person', subject_id: 'dana.lee@example.com', email: 'dana.lee@example.com' })
    expect(stated(factsOf(googleSource, revoke3lo)).map((f) => f.kind)).toEqual(['identity'])
    const deleted = factsOf(googleSource, byKey)
    expect(deleted[0]).toMatchObject({ vendor_event_type: 'admin.DELETE_USER+REMOVE_GROUP_MEMBER', event_id: 'admin:2026-03-05T09:00:00.000Z:-12' })
    expect(stated(deleted)).toEqual([{ kind: 'trigger', subject_kind: 'person', subject_id: 'sam@example.com', email: 'sam@example.com' }])
  })

  it('reads a login activity', () => {
    expect(factsOf(googleSource, records('google/activities.ndjson')[3])).toMatchObject([{ ...DANA, vendor_event_type: 'login.login_success' }])
  })

  it('names the field and the reason for each bad activity', () => {
    expect(records('google/malformed.ndjson').map((r) => parseError(googleSource, r))).toEqual([
      'id: required',
      'id.time: expected an RFC 3339 time or epoch milliseconds',
      'events: expected at least one event',
      'events: expected a list of events',
      'id.uniqueQualifier: required',
    ])
  })
})
