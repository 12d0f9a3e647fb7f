'use server'

import { revalidatePath } from 'next/cache'
import { z } from 'zod'
import type { ActionResult } from '@/app/components/ActionForm'
import { currentActor } from '@/lib/auth/current'
import { addDestination, deleteDestination, DestinationChangeRefused, sendTestNotification, setDestinationEnabled } from '@/lib/notifications/destinations'

const idSchema = z.object({ id: z.uuid() })
const enableSchema = z.object({ id: z.uuid(), enabled: z.enum(['true', 'false']) })

export async function addDestinationAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('thresholds:write')
  return refusalAsMessage(async () => {
    const added = await addDestination(actor, Object.fromEntries(form))
    return { ok: added.secretHint ? `Added ${added.name}. Its secret is stored sealed and is not shown again.` : `Added ${added.name}.` }
  })
}

export async function testDestinationAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('thresholds:write')
  const parsed = idSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Unknown destination.' }
  return refusalAsMessage(async () => {
    const sent = await sendTestNotification(actor, parsed.data.id)
    const code = sent.statusCode === null ? '' : ` (${sent.statusCode})`
    return sent.delivered
      ? { ok: `Delivered${code} in ${sent.durationMs} ms.` }
      : { error: `Not delivered${code}: ${sent.error}. It is retried like any notification; see the delivery log.` }
  })
}

export async function enableDestinationAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('thresholds:write')
  const parsed = enableSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Unknown destination.' }
  return refusalAsMessage(async () => {
    const changed = await setDestinationEnabled(actor, { id: parsed.data.id, enabled: parsed.data.enabled === 'true' })
    return { ok: changed.enabled ? `${changed.name} is enabled.` : `${changed.name} is disabled: new alerts are not sent to it.` }
  })
}

export async function deleteDestinationAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('thresholds:write')
  const parsed = idSchema.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: 'Unknown destination.' }
  return refusalAsMessage(async () => {
    await deleteDestination(actor, parsed.data.id)
    return { ok: 'Deleted; its secret is erased and its delivery log kept.' }
  })
}

async function refusalAsMessage(change: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    const result = await change()
    revalidatePath('/alerts/destinations')
    return result
  } catch (err) {
    if (err instanceof DestinationChangeRefused) return { error: err.message }
    throw err
  }
}
