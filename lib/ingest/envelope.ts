/** Keys under which a vendor page holds its records. */
export const ENVELOPE_KEYS = ['value', 'items', 'events', 'logs', 'records', 'data']
/** keys a vendor page carries beside its records; a record with other keys is not a page */
const PAGE_KEYS = new Set(['kind', 'etag', 'nextPageToken', 'next', 'nextLink', 'total', 'start', 'limit', 'length', 'page', 'per_page', 'cursor'])

/** Vendor API pages: `{"value": [...]}` (Graph), `{"items": [...]}` (Google), `{"logs": [...]}` … */
export function genericEnvelope(value: unknown): unknown[] | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null
  const obj = value as Record<string, unknown>
  const arrayKey = ENVELOPE_KEYS.find((k) => Array.isArray(obj[k]))
  if (!arrayKey) return null
  const others = Object.keys(obj).filter((k) => k !== arrayKey)
  if (!others.every((k) => k.startsWith('@') || PAGE_KEYS.has(k))) return null
  return obj[arrayKey] as unknown[]
}
