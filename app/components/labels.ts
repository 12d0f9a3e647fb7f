/** The words pages use for metrics.md's reasons, rules and flags. */
export const REASONS = [
  { key: 'no_credential', label: 'No credential', why: 'presented neither a credential nor a subject claim' },
  { key: 'unknown_credential', label: 'Unknown credential', why: 'presented a credential no IdP log or key inventory records' },
  { key: 'unmapped_subject', label: 'Unmapped subject', why: 'a subject claim that maps to no known identity' },
] as const

export const METHODS = [
  { key: 'credential', label: 'Known credential (rule 1)' },
  { key: 'subject_claim', label: 'Subject claim (rule 2)' },
  { key: 'session', label: 'Inherited from the session (rule 3)' },
] as const

export const FLAGS = [
  { key: 'after_expiry', label: 'After expiry' },
  { key: 'after_revocation', label: 'After revocation' },
  { key: 'after_deprovision', label: 'After deprovisioning' },
  { key: 'conflict', label: 'Conflicting credential and claim' },
] as const

export const CREDENTIAL_TYPES = [
  { key: 'oauth_access', label: 'OAuth access token' },
  { key: 'oauth_refresh', label: 'OAuth refresh token' },
  { key: 'api_key', label: 'API key' },
  { key: 'pat', label: 'Personal access token' },
  { key: 'service_token', label: 'Service token' },
] as const
