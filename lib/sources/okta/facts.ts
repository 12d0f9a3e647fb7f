import { BLANK_FACT_DETAILS, type IdpFactRow } from '@/lib/sources/types'
import type { OktaLogEvent } from '@/lib/sources/okta/log-event'

type RecordFields = 'event_id' | 'fact_index' | 'source' | 'time' | 'vendor_event_type' | 'raw'

/** What one rule states about a record; the record's own fields are added by `factRows`. */
export type FactDraft = Pick<IdpFactRow, 'kind'> & Partial<Omit<IdpFactRow, RecordFields | 'kind'>>

/** Rows sharing the record's event_id; the raw text rides on fact 0 only. */
export function factRows(event: OktaLogEvent, drafts: FactDraft[], raw: string): IdpFactRow[] {
  return drafts.map((draft, index) => ({
    event_id: event.uuid,
    fact_index: index,
    source: 'okta',
    time: event.published,
    vendor_event_type: event.eventType,
    ...BLANK_FACT_DETAILS,
    ...draft,
    raw: index === 0 ? raw : '',
  }))
}

/** Facts about the same thing twice in one record (actor = target) are stated once. */
export function distinctFacts(drafts: FactDraft[]): FactDraft[] {
  const seen = new Set<string>()
  return drafts.filter((draft) => {
    const key = JSON.stringify(draft)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
