import { z } from 'zod'
import { rfc3339ToIso } from '@/lib/sources/record-time'

/**
 * The shape of one Okta System Log LogEvent (log-formats.md §1.1), as far as Custody reads it.
 * Okta writes `null` for absent values, so everything optional is nullish; unknown keys are kept.
 */

/** Normalized to ISO 8601 UTC with milliseconds; out of the store's range is refused too. */
const isoTime = z.string().transform((value, ctx) => {
  const iso = rfc3339ToIso(value)
  if (iso) return iso
  ctx.issues.push({ code: 'custom', message: 'not an ISO 8601 time', input: value })
  return z.NEVER
})
const text = z.string().nullish()
/** Maps Custody barely reads; Okta writes some of them as `""` when empty (`"debugData": ""`). */
const vendorMap = z.union([z.record(z.string(), z.unknown()), z.literal('').transform(() => null)]).nullish()

const principal = z.looseObject({
  id: text,
  type: text,
  alternateId: text,
  displayName: text,
  detailEntry: vendorMap,
})

export const TOKEN_TARGET_TYPES = { access_token: 'oauth_access', refresh_token: 'oauth_refresh' } as const
export type TokenTargetType = keyof typeof TOKEN_TARGET_TYPES

/** What a token target (observed, not documented) must carry for its credential to be recorded. */
const tokenTarget = z.looseObject({
  id: z.string().min(1, 'required'),
  detailEntry: z.looseObject({ expires: isoTime.nullish(), subject: text }).nullish(),
})

const target = principal.superRefine((value, ctx) => {
  if (!isTokenType(value.type)) return
  for (const issue of tokenTarget.safeParse(value, { reportInput: true }).error?.issues ?? []) {
    ctx.addIssue({ code: 'custom', message: reason(issue), path: issue.path })
  }
})

export const oktaLogEvent = z.looseObject({
  uuid: z.string().min(1, 'required'),
  published: isoTime,
  eventType: z.string().min(1, 'required'),
  actor: principal.nullish(),
  target: z.array(target).nullish(),
  client: z.looseObject({ id: text }).nullish(),
  outcome: z.looseObject({ result: text, reason: text }).nullish(),
  authenticationContext: z.looseObject({ externalSessionId: text, rootSessionId: text }).nullish(),
  debugContext: z.looseObject({ debugData: vendorMap }).nullish(),
  transaction: z.looseObject({ id: text, type: text, detail: vendorMap }).nullish(),
})

export type OktaLogEvent = z.infer<typeof oktaLogEvent>
export type OktaPrincipal = z.infer<typeof principal>

export function isTokenType(type: string | null | undefined): type is TokenTargetType {
  return type === 'access_token' || type === 'refresh_token'
}

/** The first problem: `"published: required"`, `"target.0.detailEntry.expires: not an ISO 8601 time"`; never echoes a value. */
export function validationError(error: z.ZodError): string {
  const issue = error.issues[0]
  return `${fieldPath(issue.path)}: ${reason(issue)}`
}

function fieldPath(path: PropertyKey[]): string {
  return path.length === 0 ? 'record' : path.map(String).join('.')
}

function reason(issue: z.core.$ZodIssue): string {
  const missing = issue.code === 'invalid_type' && issue.input == null && issue.path.length > 0
  return missing ? 'required' : issue.message.replace(/^Invalid input: /, '')
}
