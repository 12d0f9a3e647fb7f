import { z } from 'zod'
import { isJsonObject } from './record-fields'
import { BLANK_FACT_DETAILS, type IdpFactRow, type SourceName } from './types'

/**
 * Pieces every IdP parser shares: a vendor record checked by zod and typed by the vendor's own
 * package, its first problem as `<path>: <reason>`, and the fact rows one record states.
 */

/**
 * Compile-time proof that what a schema accepts is the vendor's record type (from the vendor's
 * package), so a field the vendor renames or retypes breaks the build, not the evidence.
 * `Normalized` names fields the schema deliberately reads into another type (epoch ms → ISO).
 */
export function vendorShaped<Vendor, Normalized extends keyof Vendor = never>() {
  return <Schema extends z.ZodType<Omit<Vendor, Normalized>>>(schema: Schema): Schema => schema
}

/** Text a vendor may write as null, '' or leave out: read as absent. */
export const vendorText = z
  .string({ error: 'expected a string' })
  .nullish()
  .transform((v) => v || undefined)

/** The first problem, naming its field: `createdDateTime: required`; never echoes a value. */
export function recordError(error: z.ZodError, record: unknown, prefix = ''): string {
  const issue = error.issues[0]
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
  const missing = issue.code === 'invalid_type' && valueAt(record, issue.path) == null && issue.path.length > 0
  const reason = missing ? 'required' : issue.message.replace(/^Invalid input: /, '')
  return `${path || 'record'}: ${reason}`
}

/** A parse of a JSON value that must be an object. */
export function checkedRecord<Schema extends z.ZodType>(schema: Schema, record: unknown, prefix = ''):
  | { ok: true; data: z.output<Schema> }
  | { ok: false; error: string } {
  if (!isJsonObject(record)) return { ok: false, error: `${prefix || 'record'}: expected a JSON object` }
  // the offending value is looked up in the record: zod's reportInput costs more than the parse itself
  const parsed = schema.safeParse(record)
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, error: recordError(parsed.error, record, prefix) }
}

function valueAt(record: unknown, path: PropertyKey[]): unknown {
  let at = record
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined
  return at
}

type RecordFields = 'event_id' | 'fact_index' | 'source' | 'time' | 'vendor_event_type' | 'raw'

/** What one rule states about a record; the record's own fields are added by `factRows`. */
export type FactDraft = Pick<IdpFactRow, 'kind'> & Partial<Omit<IdpFactRow, RecordFields | 'kind'>>

export type RecordHeader = { source: SourceName; event_id: string; time: string; vendor_event_type: string }

/**
 * Rows sharing the record's event id; the raw text rides on fact 0 only. Facts stated twice
 * (actor = target) are kept once; a record that states nothing is one `other` fact.
 */
export function factRows(header: RecordHeader, drafts: FactDraft[], raw: string): IdpFactRow[] {
  const distinct = distinctFacts(drafts)
  const stated: FactDraft[] = distinct.length > 0 ? distinct : [{ kind: 'other' }]
  return stated.map((draft, index) => ({
    ...header,
    fact_index: index,
    ...BLANK_FACT_DETAILS,
    ...draft,
    raw: index === 0 ? raw : '',
  }))
}

function distinctFacts(drafts: FactDraft[]): FactDraft[] {
  const seen = new Set<string>()
  return drafts.filter((draft) => {
    const key = JSON.stringify(draft)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** A person as a source names them; an e-mail-shaped login is also their e-mail. */
export function personIdentity(id: string, login = '', displayName = ''): FactDraft {
  return {
    kind: 'identity',
    subject_kind: 'person',
    subject_id: id,
    email: EMAIL.test(login) ? login.toLowerCase() : '',
    login,
    display_name: displayName,
  }
}

/** An OAuth client acting for itself (identity `client:<id>`). */
export function serviceIdentity(clientId: string, displayName = ''): FactDraft {
  return { kind: 'identity', subject_kind: 'service', subject_id: clientId, client_id: clientId, display_name: displayName }
}
