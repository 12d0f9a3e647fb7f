import { z } from 'zod'
import { optionalEmail, optionalId, optionalSha256, optionalText, optionalTime, requiredTime } from '../record-fields'

/**
 * One key of the inventory (shared/spec/cli.md, `keys`): the export a gateway's key admin
 * page or API gives. Identified by `sha256` (of the key) or `id`. Unknown keys are allowed.
 */

export const KEY_TYPES = ['api_key', 'pat', 'service_token'] as const

/** Fields an export might carry the raw key in; hashed into `sha256` and never stored. */
export const SECRET_FIELDS = ['key', 'secret', 'token'] as const

export const keyRecord = z.looseObject({
  sha256: optionalSha256,
  id: optionalId,
  key: optionalText,
  secret: optionalText,
  token: optionalText,
  name: optionalText,
  type: z.enum(KEY_TYPES, {
    error: (issue) => (issue.input == null ? 'required' : 'expected api_key, pat or service_token'),
  }),
  owner: optionalEmail,
  service_account: optionalText,
  created_at: requiredTime,
  expires_at: optionalTime,
  revoked_at: optionalTime,
})

export type KeyRecord = z.infer<typeof keyRecord>
