import { z } from 'zod'

/** The alert rules (issue 13), by the id `alerts run --json` prints. Defined here once. */
export const RULE_IDS = [
  'unattributed_ratio',
  'use_after_revocation',
  'use_after_deprovision',
  'ownerless_service_account',
  'unresolved_trigger',
  'token_over_max_age',
  'source_silent',
] as const
export type RuleId = (typeof RULE_IDS)[number]

export const SEVERITIES = ['critical', 'high', 'medium'] as const
export type Severity = (typeof SEVERITIES)[number]

/**
 * What each rule watches, in words, and how urgent its alerts are. Every rule fires when its
 * value is strictly above its threshold (at the threshold it holds), except
 * `ownerless_service_account`, which fires while a service account has fewer owners (0) than
 * the one it needs.
 */
export const RULES: Record<RuleId, { title: string; severity: Severity; explains: string }> = {
  unattributed_ratio: {
    title: 'Unattributed ratio',
    severity: 'high',
    explains: 'Share of agent actions no person or service account answers for, over the rolling window ending at the newest event, above the unattributed ratio threshold.',
  },
  use_after_revocation: {
    title: 'Use after revocation',
    severity: 'critical',
    explains: 'Any agent action presenting a credential after it was revoked, within the window ending at the newest event. One alert per credential.',
  },
  use_after_deprovision: {
    title: 'Use after deprovision',
    severity: 'critical',
    explains: 'Any agent action attributed to an identity after its deprovisioning trigger, within the window ending at the newest event. One alert per identity.',
  },
  ownerless_service_account: {
    title: 'Ownerless service account',
    severity: 'medium',
    explains: 'A service account no person owns. Raised once when it first appears; resolved when a source or the registry gives it an owner.',
  },
  unresolved_trigger: {
    title: 'Unresolved trigger',
    severity: 'high',
    explains: 'A deprovisioning trigger whose credentials are still live longer after it than the revocation SLA. One alert per identity.',
  },
  token_over_max_age: {
    title: 'Token over max age',
    severity: 'medium',
    explains: 'A credential live at the newest event that is older than the maximum age of its type. One alert per credential.',
  },
  source_silent: {
    title: 'Source silent',
    severity: 'high',
    explains: 'A log source that delivered events before has sent none for longer than the set minutes, counted back from the newest event of any source (the coverage report per source). The key inventory is a snapshot, not a stream, and is not watched.',
  },
}

const enabled = z.boolean({ message: 'enabled must be true or false' })
const windowHours = z
  .number({ message: 'window_hours must be a number of hours' })
  .positive('window_hours must be above 0')
  .max(24 * 366, 'window_hours may be at most a year (8784)')

/** Each rule's switch and parameters, as security staff set them on /thresholds. */
export const alertRulesSchema = z.strictObject({
  unattributed_ratio: z.strictObject({ enabled, window_hours: windowHours }),
  use_after_revocation: z.strictObject({ enabled, window_hours: windowHours }),
  use_after_deprovision: z.strictObject({ enabled, window_hours: windowHours }),
  ownerless_service_account: z.strictObject({ enabled }),
  unresolved_trigger: z.strictObject({ enabled }),
  token_over_max_age: z.strictObject({ enabled }),
  source_silent: z.strictObject({
    enabled,
    minutes: z.number({ message: 'minutes must be a number' }).int('minutes must be a whole number').min(1, 'minutes must be at least 1').max(60 * 24 * 366, 'minutes may be at most a year'),
  }),
})
export type AlertRules = z.infer<typeof alertRulesSchema>

export const DEFAULT_ALERT_RULES: AlertRules = {
  unattributed_ratio: { enabled: true, window_hours: 24 },
  use_after_revocation: { enabled: true, window_hours: 24 },
  use_after_deprovision: { enabled: true, window_hours: 24 },
  ownerless_service_account: { enabled: true },
  unresolved_trigger: { enabled: true },
  token_over_max_age: { enabled: true },
  source_silent: { enabled: true, minutes: 60 },
}
