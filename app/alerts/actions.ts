'use server'

import { revalidatePath } from 'next/cache'
import type { ActionResult } from '@/app/components/ActionForm'
import { AcknowledgementRefused, acknowledgeAlert } from '@/lib/alerts/list'
import { currentActor } from '@/lib/auth/current'

/** Acknowledges one firing alert with the comment the form requires. */
export async function acknowledgeAlertAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('alerts:acknowledge')
  try {
    await acknowledgeAlert(actor, { id: String(form.get('id') ?? ''), comment: String(form.get('comment') ?? '') })
    revalidatePath('/alerts')
    return { ok: 'Acknowledged.' }
  } catch (err) {
    if (err instanceof AcknowledgementRefused) return { error: err.message }
    throw err
  }
}
