import { z } from 'zod'

/** The values a report is judged against (metrics.md, Default thresholds). */
export const thresholdsSchema = z.object({
  max_age_days: z.object({
    oauth_access: z.number().positive(),
    oauth_refresh: z.number().positive(),
    api_key: z.number().positive(),
    pat: z.number().positive(),
    service_token: z.number().positive(),
  }),
  revocation_sla_seconds: z.number().nonnegative(),
  unattributed_ratio: z.number().min(0).max(1),
  default_token_lifetime_seconds: z.number().int().positive(),
  /** The version of the thresholds in force (lib/thresholds/in-force.ts; 0 = the defaults), when they came from the app store. */
  version: z.number().int().nonnegative().optional(),
})

export type Thresholds = z.infer<typeof thresholdsSchema>

export const DEFAULT_THRESHOLDS: Thresholds = {
  max_age_days: { oauth_access: 1, oauth_refresh: 90, api_key: 90, pat: 90, service_token: 90 },
  revocation_sla_seconds: 3600,
  unattributed_ratio: 0.01,
  default_token_lifetime_seconds: 3600,
}
