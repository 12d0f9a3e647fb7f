import { isJsonObject } from '../record-fields'

/**
 * OTLP/JSON attribute values (opentelemetry-proto `AnyValue`, JSON encoding): 64-bit
 * integers arrive as decimal strings, nested maps as `kvlistValue`. Read as plain JSON values.
 */

export type KeyValue = { key?: unknown; value?: unknown }

export function anyValue(value: unknown): unknown {
  if (!isJsonObject(value)) return undefined
  if ('stringValue' in value) return value.stringValue
  if ('boolValue' in value) return value.boolValue
  if ('intValue' in value) return integer(value.intValue)
  if ('doubleValue' in value) return value.doubleValue
  if ('bytesValue' in value) return value.bytesValue
  if (isJsonObject(value.arrayValue)) return listOf(value.arrayValue.values).map(anyValue)
  if (isJsonObject(value.kvlistValue)) return flatAttributes(listOf(value.kvlistValue.values))
  return undefined
}

/**
 * `[{key, value}]` → `{ key: value }`; a nested map becomes dotted keys (`jwt` → `{sub}` reads
 * as `jwt.sub`), the shape of the gateway line. Entries without a string key are left out.
 */
export function flatAttributes(attributes: unknown[], prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {}
  for (const entry of attributes) {
    if (!isJsonObject(entry) || typeof entry.key !== 'string' || entry.key === '') continue
    const key = prefix + entry.key
    const value = anyValue(entry.value)
    if (isJsonObject(value)) Object.assign(flat, prefixed(value, `${key}.`))
    else if (value !== undefined) flat[key] = value
  }
  return flat
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function prefixed(values: Record<string, unknown>, prefix: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [prefix + k, v]))
}

/** `"1772638262"` → 1772638262 when exactly representable, else the text as it came. */
function integer(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return value
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : value
}
