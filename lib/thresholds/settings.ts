import { z } from 'zod'
import { alertRulesSchema, DEFAULT_ALERT_RULES } from '@/lib/alerts/rules'
import { DEFAULT_THRESHOLDS, type Thresholds } from '@/lib/reports/thresholds'

const days = (type: string) => z.number({ message: `${type} must be a number of days` }).positive(`${type} must be above 0 days`).max(36_500, `${type} may be at most 36500 days`)

/**
 * Everything security staff set on /thresholds and with `custody thresholds set`: the values
 * reports are judged against (metrics.md, Default thresholds) and the alert rules. Strict: a
 * misspelt key is an error naming it, never silently ignored.
 */
export const thresholdSettingsSchema = z.strictObject({
  max_age_days: z.strictObject({
    oauth_access: days('max_age_days.oauth_access'),
    oauth_refresh: days('max_age_days.oauth_refresh'),
    api_key: days('max_age_days.api_key'),
    pat: days('max_age_days.pat'),
    service_token: days('max_age_days.service_token'),
  }),
  revocation_sla_seconds: z.number({ message: 'revocation_sla_seconds must be a number of seconds' }).int('revocation_sla_seconds must be whole seconds').min(0).max(365 * 86400),
  unattributed_ratio: z.number({ message: 'unattributed_ratio must be a number from 0 to 1' }).min(0, 'unattributed_ratio must be at least 0').max(1, 'unattributed_ratio may be at most 1'),
  default_token_lifetime_seconds: z.number({ message: 'default_token_lifetime_seconds must be a number of seconds' }).int('default_token_lifetime_seconds must be whole seconds').min(1).max(365 * 86400),
  alert_rules: alertRulesSchema,
})
export type ThresholdSettings = z.infer<typeof thresholdSettingsSchema>
export type SettingKey = keyof ThresholdSettings

export const DEFAULT_SETTINGS: ThresholdSettings = { ...structuredClone(DEFAULT_THRESHOLDS), alert_rules: structuredClone(DEFAULT_ALERT_RULES) }

/** The values a report echoes and is judged against, from the settings. */
export function reportThresholds(s: ThresholdSettings, version: number): Thresholds {
  const { alert_rules: _, ...thresholds } = s
  return { ...structuredClone(thresholds), version }
}

/** What the app store holds: the keys security staff set, and the latest change's version (0: never changed). */
export type StoredThresholds = { stored: Record<string, unknown>; version: number }

/** The settings in force: the defaults, overlaid with what the store holds (a key absent from it, or a rule added since, stays at its default). */
export const settingsFrom = (stored: Record<string, unknown>): ThresholdSettings => thresholdSettingsSchema.parse(overlay(DEFAULT_SETTINGS, stored))

export function thresholdsFromStore(s: StoredThresholds): Thresholds {
  return reportThresholds(settingsFrom(s.stored), s.version)
}

/** `change` laid over `base`, object by object: a partial document changes only what it names. */
export function overlay(base: unknown, change: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(change)) return structuredClone(change)
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(change)) merged[key] = key in base ? overlay(base[key], value) : structuredClone(value)
  return merged
}

/** Every leaf that differs between two settings documents, by its dotted path, old → new. */
export function settingChanges(before: ThresholdSettings, after: ThresholdSettings): { key: string; old: unknown; new: unknown }[] {
  const changes: { key: string; old: unknown; new: unknown }[] = []
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(b)) walk(a[key], b[key], path ? `${path}.${key}` : key)
    } else if (a !== b) changes.push({ key: path, old: a ?? null, new: b })
  }
  walk(before, after, '')
  return changes
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
