import { RULE_IDS, RULES, type RuleId } from '@/lib/alerts/rules'
import type { ThresholdSettings } from '@/lib/thresholds/settings'

/** One number on the thresholds form: its path in the settings document, its label and what it means. */
export type NumberField = { path: string; label: string; unit: string; step: string; explains: string }

const maxAge = (type: string, what: string): NumberField => ({
  path: `max_age_days.${type}`,
  label: `Max age: ${what}`,
  unit: 'days',
  step: 'any',
  explains: `A ${what} older than this is "over max age" in the token-age report, and alerts while it is still live.`,
})

export const THRESHOLD_FIELDS: NumberField[] = [
  maxAge('oauth_access', 'OAuth access token'),
  maxAge('oauth_refresh', 'OAuth refresh token'),
  maxAge('api_key', 'API key'),
  maxAge('pat', 'personal access token'),
  maxAge('service_token', 'service token'),
  {
    path: 'revocation_sla_seconds',
    label: 'Revocation SLA',
    unit: 'seconds',
    step: '1',
    explains: 'How long after a deprovisioning trigger its credentials may stay live. Triggers closed within it count as within SLA; one still open after it alerts.',
  },
  {
    path: 'unattributed_ratio',
    label: 'Unattributed ratio',
    unit: 'share, 0–1',
    step: 'any',
    explains: 'The share of agent actions nobody answers for that is still acceptable. The overview shows an exception above it; the rule below alerts above it over its window.',
  },
  {
    path: 'default_token_lifetime_seconds',
    label: 'Default token lifetime',
    unit: 'seconds',
    step: '1',
    explains: 'When no source logs when an OAuth token expires, it is taken to expire this long after issue.',
  },
]

/** Each rule's parameters beside its on/off switch. */
export const RULE_FIELDS: Record<RuleId, NumberField[]> = Object.fromEntries(
  RULE_IDS.map((rule) => [rule, []]),
) as unknown as Record<RuleId, NumberField[]>
for (const rule of ['unattributed_ratio', 'use_after_revocation', 'use_after_deprovision'] as const) {
  RULE_FIELDS[rule] = [{ path: `alert_rules.${rule}.window_hours`, label: 'Window', unit: 'hours', step: 'any', explains: 'How far back from the newest event the rule looks.' }]
}
RULE_FIELDS.source_silent = [{ path: 'alert_rules.source_silent.minutes', label: 'Silent for', unit: 'minutes', step: '1', explains: 'A source with no event for longer than this before the newest event of any source alerts.' }]

export const ruleLabel = (rule: RuleId) => RULES[rule].title

/** A value of the settings by its dotted path. */
export function valueAt(settings: ThresholdSettings, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), settings)
}

/**
 * The settings document a submitted form describes: numbers where a number was typed (text
 * stays text, so validation names the field), each rule's switch from its checkbox.
 */
export function settingsFromForm(form: FormData): Record<string, unknown> {
  const settings: Record<string, unknown> = {}
  const put = (path: string, value: unknown) => {
    const keys = path.split('.')
    let node = settings
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
    node[keys.at(-1)!] = value
  }
  for (const field of [...THRESHOLD_FIELDS, ...Object.values(RULE_FIELDS).flat()]) {
    const raw = String(form.get(field.path) ?? '').trim()
    put(field.path, raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw)
  }
  for (const rule of RULE_IDS) put(`alert_rules.${rule}.enabled`, form.get(`alert_rules.${rule}.enabled`) === 'on')
  return settings
}
