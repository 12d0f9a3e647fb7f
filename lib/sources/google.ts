/**
 * Google Workspace Admin SDK Reports API (`--source google`): activities of the `token`, `login`
 * and `admin` applications (log-formats.md §5), one activity per record, from `activities.list`
 * pages (`{"kind", "items": [...], "nextPageToken"}`) or NDJSON. No Google package is a
 * dependency, so the activity is typed here after `Schema$Activity` (googleapis reports_v1).
 * The event id is `<applicationName>:<id.time>:<id.uniqueQualifier>`.
 *
 * | fact               | Google activity event                                                          |
 * | ------------------ | ------------------------------------------------------------------------------ |
 * | credential (grant) | none: Google logs no token id (`token` `authorize` names the person only)       |
 * | revocation         | none matchable (`token` `revoke`, admin `REVOKE_3LO_TOKEN` name no token id)    |
 * | trigger            | admin `SUSPEND_USER`, `DELETE_USER` (the `USER_EMAIL` parameter)                |
 * | identity           | the acting person (`actor.profileId`, `actor.email`) of every activity         |
 * | other              | an activity by a service key (`callerType` KEY) with no trigger in it          |
 */
import { z } from 'zod'
import { isJsonObject, requiredTime } from './record-fields'
import { scrubRawRecord, scrubRecord } from './secrets'
import type { ParseResult, SourceParser } from './types'
import { checkedRecord, factRows, personIdentity, vendorText, type FactDraft } from './vendor-record'

const TRIGGERS = new Set(['SUSPEND_USER', 'DELETE_USER'])

const parameter = z.looseObject({ name: vendorText, value: vendorText })

const activity = z.looseObject({
  id: z.looseObject({
    time: requiredTime,
    uniqueQualifier: z.union([z.string(), z.number()], { error: 'required' }).transform(String),
    applicationName: z.string({ error: 'required' }).min(1, 'required'),
  }, { error: 'required' }),
  actor: z.looseObject({ callerType: vendorText, email: vendorText, profileId: vendorText }).nullish().transform((v) => v ?? undefined),
  events: z.array(z.looseObject({
    type: vendorText,
    name: z.string({ error: 'required' }).min(1, 'required'),
    parameters: z.array(parameter).nullish(),
  }), { error: (issue) => (issue.input == null ? 'required' : 'expected a list of events') }).min(1, 'expected at least one event'),
})

type Activity = z.infer<typeof activity>
type ActivityEvent = Activity['events'][number]

export const googleSource: SourceParser = {
  name: 'google',
  table: 'idp_events',
  parse(record, raw): ParseResult {
    const checked = checkedRecord(activity, record)
    if (!checked.ok) return checked
    const event = scrubRecord(checked.data)
    const { id } = event
    const header = {
      source: 'google' as const,
      event_id: `${id.applicationName}:${id.time}:${id.uniqueQualifier}`,
      time: id.time,
      vendor_event_type: `${id.applicationName}.${event.events.map((e) => e.name).join('+')}`,
    }
    return { ok: true, requests: [], facts: factRows(header, activityFacts(event), scrubRawRecord(raw)) }
  },
  expand(document) {
    if (!isJsonObject(document) || document.kind !== 'admin#reports#activities') return null
    return Array.isArray(document.items) ? document.items : []
  },
}

function activityFacts(event: Activity): FactDraft[] {
  const actor = event.actor
  const person = actor?.profileId && actor.callerType !== 'KEY' ? [personIdentity(actor.profileId, actor.email ?? '')] : []
  return [...event.events.flatMap(triggerFacts), ...person]
}

function triggerFacts(event: ActivityEvent): FactDraft[] {
  if (!TRIGGERS.has(event.name)) return []
  const email = event.parameters?.find((p) => p.name === 'USER_EMAIL')?.value?.toLowerCase()
  return email ? [{ kind: 'trigger', subject_kind: 'person', subject_id: email, email }] : []
}
