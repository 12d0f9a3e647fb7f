'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import type { ActionResult } from '@/app/components/ActionForm'
import { currentActor } from '@/lib/auth/current'
import { createIngestToken, revokeIngestToken, rotateIngestToken, TokenChangeRefused } from '@/lib/intake/tokens'
import { INGESTIBLE_SOURCES } from '@/lib/sources'

export type TokenActionResult = ActionResult

const createSchema = z.object({
  name: z.string().trim().min(1).max(200),
  sources: z.array(z.enum(INGESTIBLE_SOURCES)),
  expires: z.union([z.literal(''), z.iso.date()]),
})
const rotateSchema = z.object({ id: z.uuid(), graceHours: z.coerce.number().min(0).max(720) })
const revokeSchema = z.object({ id: z.uuid() })

export async function createTokenAction(_prev: TokenActionResult, form: FormData): Promise<TokenActionResult> {
  const actor = await currentActor('ingest-tokens:manage')
  const parsed = createSchema.safeParse({ name: form.get('name'), sources: form.getAll('sources'), expires: form.get('expires') ?? '' })
  if (!parsed.success) return { error: 'Give the token a name; the expiry, if any, is a date.' }
  const { name, sources, expires } = parsed.data
  return refusalAsMessage(async () => {
    const issued = await createIngestToken(actor, { name, sources: sources.length > 0 ? sources : null, expiresAt: expires ? new Date(`${expires}T00:00:00Z`) : null })
    return { ok: `Created ${issued.name}. Copy the token now: it is not shown again.`, shownOnce: issued.token }
  })
}

export async function rotateTokenAction(_prev: TokenActionResult, form: FormData): Promise<TokenActionResult> {
  const actor = await currentActor('ingest-tokens:manage')
  const parsed = rotateSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'The grace period is a number of hours (0 to 720).' }
  return refusalAsMessage(async () => {
    const issued = await rotateIngestToken(actor, { id: parsed.data.id, graceSeconds: Math.round(parsed.data.graceHours * 3600) })
    return { ok: `Rotated ${issued.name}; the old token works for ${parsed.data.graceHours} more hours. Copy the new token now:`, shownOnce: issued.token }
  })
}

export async function revokeTokenAction(_prev: TokenActionResult, form: FormData): Promise<TokenActionResult> {
  const actor = await currentActor('ingest-tokens:manage')
  const parsed = revokeSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Unknown token.' }
  return refusalAsMessage(async () => {
    const revoked = await revokeIngestToken(actor, parsed.data.id)
    return { ok: `Revoked ${revoked.name}: it is refused from the next request.` }
  })
}

async function refusalAsMessage(change: () => Promise<TokenActionResult>): Promise<TokenActionResult> {
  try {
    const result = await change()
    revalidatePath('/tokens')
    return result
  } catch (err) {
    if (err instanceof TokenChangeRefused) return { error: err.message }
    throw err
  }
}
