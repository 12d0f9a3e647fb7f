import { rawEventId, sha256Hex } from './fingerprint'
import { keyRecord, SECRET_FIELDS, type KeyRecord } from './keys/record'
import { fieldError, isJsonObject } from './record-fields'
import { scrubbedRecord } from './secrets'
import { BLANK_FACT_DETAILS, type IdpFactRow, type SourceParser } from './types'

/**
 * `--source keys`: one key of the gateway's key inventory → a credential fact, an identity
 * fact for its service account, and a revocation fact once it is revoked. The event id is
 * the hash of the whole record, so a later export with a new `revoked_at` is new information.
 */
export const keysSource: SourceParser = {
  name: 'keys',
  table: 'idp_events',
  parse(value, raw) {
    if (!isJsonObject(value)) return { ok: false, error: 'record is not a JSON object' }
    // every value is read scrubbed (metrics.md, Secrets), but the raw key: it is hashed here, then dropped
    const read = scrubbedRecord(value, raw, SECRET_FIELDS)
    if ('error' in read) return { ok: false, error: read.error }
    const { record, scrubbed } = read
    const parsed = keyRecord.safeParse(record)
    if (!parsed.success) return { ok: false, error: fieldError(parsed.error) }
    const key = parsed.data
    const secret = rawSecret(key)
    const sha256 = key.sha256 ?? (secret ? sha256Hex(secret) : undefined)
    const credentialId = sha256 ? `sha256:${sha256}` : key.id
    if (!credentialId) return { ok: false, error: 'sha256 or id: required' }
    const facts = keyFacts(key, credentialId).map((fact, i) => ({
      ...fact,
      event_id: rawEventId(raw),
      fact_index: i,
      raw: i === 0 ? (scrubbed ? storedRecord(record, secret ? sha256 : undefined) : raw) : '',
    }))
    return { ok: true, requests: [], facts }
  },
}

type KeyFact = Omit<IdpFactRow, 'event_id' | 'fact_index' | 'raw'>

function keyFacts(key: KeyRecord, credentialId: string): KeyFact[] {
  const credential: KeyFact = {
    ...blankFact(key.created_at),
    kind: 'credential',
    vendor_event_type: 'key.created',
    ...keySubject(key),
    credential_id: credentialId,
    credential_type: key.type,
    issued_at: key.created_at,
    expires_at: key.expires_at,
  }
  const facts = [credential]
  if (key.service_account) facts.push(serviceAccountFact(key, key.service_account))
  if (key.revoked_at) facts.push({ ...credential, time: key.revoked_at, kind: 'revocation', vendor_event_type: 'key.revoked', issued_at: null, expires_at: null })
  return facts
}

/** A service account's key belongs to the account (its owner is kept); otherwise to the owning person. */
function keySubject(key: KeyRecord): Pick<IdpFactRow, 'subject_kind' | 'subject_id' | 'email' | 'owner'> {
  if (key.service_account) return { subject_kind: 'service', subject_id: key.service_account, email: '', owner: key.owner ?? '' }
  if (key.owner) return { subject_kind: 'person', subject_id: key.owner, email: key.owner, owner: '' }
  return { subject_kind: '', subject_id: '', email: '', owner: '' }
}

function serviceAccountFact(key: KeyRecord, account: string): KeyFact {
  return {
    ...blankFact(key.created_at),
    kind: 'identity',
    vendor_event_type: 'key.service_account',
    subject_kind: 'service',
    subject_id: account,
    display_name: account,
    owner: key.owner ?? '',
  }
}

function blankFact(time: string): KeyFact {
  return {
    source: 'keys',
    time,
    kind: 'other',
    vendor_event_type: '',
    ...BLANK_FACT_DETAILS,
  }
}

function rawSecret(key: KeyRecord): string | undefined {
  return SECRET_FIELDS.map((field) => key[field]?.trim()).find((secret) => secret)
}

/** A record that might hold a secret is stored scrubbed and without the raw key (plus the key's sha256). */
function storedRecord(record: Record<string, unknown>, secretSha256: string | undefined): string {
  const kept = Object.fromEntries(Object.entries(record).filter(([field]) => !(SECRET_FIELDS as readonly string[]).includes(field)))
  if (secretSha256 && !kept.sha256) kept.sha256 = secretSha256
  return JSON.stringify(kept)
}
