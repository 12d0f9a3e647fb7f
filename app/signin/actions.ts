'use server'

import { redirect } from 'next/navigation'
import { z } from 'zod'
import { requestOrigin } from '@/lib/auth/request'
import { acceptInvite, UserChangeRefused } from '@/lib/users/manage'

export type InviteAcceptance = { error: string } | null

const acceptSchema = z.object({ token: z.string().min(20).max(200), password: z.string().max(1024), confirm: z.string().max(1024) })

/**
 * Public: an invited person has no session yet. The one-time token in their
 * link is what authorizes setting the password (lib/users/manage.ts).
 */
export async function acceptInvitation(_prev: InviteAcceptance, form: FormData): Promise<InviteAcceptance> {
  const parsed = acceptSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'This invitation link is not valid.' }
  if (parsed.data.password !== parsed.data.confirm) return { error: 'The two passwords differ.' }
  try {
    await acceptInvite(parsed.data, await requestOrigin())
  } catch (err) {
    if (err instanceof UserChangeRefused) return { error: err.message }
    throw err
  }
  redirect('/signin?notice=PasswordSet')
}
