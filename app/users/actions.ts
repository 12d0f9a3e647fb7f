'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import type { ActionResult } from '@/app/components/ActionForm'
import { roles } from '@/db/schema'
import { currentActor } from '@/lib/auth/current'
import { changeUserRole, inviteUser, setUserDisabled, UserChangeRefused } from '@/lib/users/manage'

export type UserActionResult = ActionResult

const inviteSchema = z.object({ email: z.email().max(320), role: z.enum(roles) })
const roleSchema = z.object({ userId: z.uuid(), role: z.enum(roles) })
const disabledSchema = z.object({ userId: z.uuid(), disabled: z.enum(['true', 'false']) })

export async function inviteUserAction(_prev: UserActionResult, form: FormData): Promise<UserActionResult> {
  const actor = await currentActor('users:manage')
  const parsed = inviteSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Give a valid e-mail address and a role.' }
  return refusalAsMessage(async () => {
    const { inviteUrl } = await inviteUser(actor, parsed.data)
    return { ok: `Invited ${parsed.data.email.toLowerCase()} as ${parsed.data.role}. Send them this link (valid 7 days, once):`, shownOnce: inviteUrl }
  })
}

export async function changeRoleAction(_prev: UserActionResult, form: FormData): Promise<UserActionResult> {
  const actor = await currentActor('users:manage')
  const parsed = roleSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Choose a role.' }
  return refusalAsMessage(async () => {
    await changeUserRole(actor, parsed.data)
    return { ok: `Role changed to ${parsed.data.role}.` }
  })
}

export async function setDisabledAction(_prev: UserActionResult, form: FormData): Promise<UserActionResult> {
  const actor = await currentActor('users:manage')
  const parsed = disabledSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Unknown user.' }
  const disabled = parsed.data.disabled === 'true'
  return refusalAsMessage(async () => {
    await setUserDisabled(actor, { userId: parsed.data.userId, disabled })
    return { ok: disabled ? 'Disabled; their sessions have ended.' : 'Enabled.' }
  })
}

async function refusalAsMessage(change: () => Promise<UserActionResult>): Promise<UserActionResult> {
  try {
    const result = await change()
    revalidatePath('/users')
    return result
  } catch (err) {
    if (err instanceof UserChangeRefused) return { error: err.message }
    throw err
  }
}
