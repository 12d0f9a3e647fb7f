import { z } from 'zod'
import { readRecordTime } from './record-time'

/**
 * zod pieces shared by the flat JSON record formats (gateway line, key inventory).
 * Every message is the reason half of `<key>: <reason>`. `null` and `''` read as absent.
 */

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The first problem of a record, naming its key: `time: required`. */
export function fieldError(error: z.ZodError): string {
  const issue = error.issues[0]
  const key = issue.path.map(String).join('.')
  return key ? `${key}: ${issue.message}` : issue.message
}

export const optionalText = z
  .string({ error: 'expected a string' })
  .nullish()
  .transform((v) => v || undefined)

export const requiredText = z
  .string({ error: (issue) => (issue.input == null ? 'required' : 'expected a string') })
  .regex(/\S/, 'required')

/** Identifiers that may arrive as numbers (JSON-RPC ids, key ids); stored as text. */
export const optionalId = z
  .union([z.string(), z.number()], { error: 'expected a string or a number' })
  .nullish()
  .transform((v) => (v == null || v === '' ? undefined : String(v)))

/** SHA-256 hex; upper case and a `sha256:` prefix are tolerated, lower-case hex is kept. */
export const optionalSha256 = z
  .string({ error: 'expected 64 hex characters' })
  .nullish()
  .transform((v, ctx) => {
    if (!v) return undefined
    const hex = v.trim().replace(/^sha256:/i, '').toLowerCase()
    if (/^[0-9a-f]{64}$/.test(hex)) return hex
    ctx.issues.push({ code: 'custom', message: 'expected 64 hex characters', input: v })
    return z.NEVER
  })

const EMAIL = /^[^\s@]+@[^\s@]+$/

export const optionalEmail = z
  .string({ error: 'expected an e-mail address' })
  .nullish()
  .transform((v, ctx) => {
    const email = v?.trim().toLowerCase()
    if (!email) return undefined
    if (EMAIL.test(email)) return email
    ctx.issues.push({ code: 'custom', message: 'expected an e-mail address', input: v })
    return z.NEVER
  })

export const requiredTime = z.unknown().transform((v, ctx) => {
  if (v != null && v !== '') return checkedTime(v, ctx)
  ctx.issues.push({ code: 'custom', message: 'required', input: v })
  return z.NEVER
})

/** Absent (or null) → null: e.g. `expires_at: null` = never expires. */
export const optionalTime = z
  .unknown()
  .optional()
  .transform((v, ctx): string | null => (v == null || v === '' ? null : checkedTime(v, ctx)))

function checkedTime(v: unknown, ctx: z.RefinementCtx): string {
  const reading = readRecordTime(v)
  if ('iso' in reading) return reading.iso
  ctx.issues.push({ code: 'custom', message: reading.error, input: v })
  return z.NEVER
}
