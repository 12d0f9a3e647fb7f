'use server'

import { revalidatePath } from 'next/cache'
import type { ActionResult } from '@/app/components/ActionForm'
import { currentActor } from '@/lib/auth/current'
import { changeThresholds, ThresholdChangeRefused } from '@/lib/thresholds/change'
import { settingsFromForm } from './fields'

/** The thresholds form: every value and the reason, validated and versioned as `custody thresholds set` does. */
export async function changeThresholdsAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('thresholds:write')
  try {
    const changed = await changeThresholds(actor, { settings: settingsFromForm(form), reason: String(form.get('reason') ?? '') })
    revalidatePath('/thresholds')
    return { ok: `Saved as version ${changed.version}.` }
  } catch (err) {
    if (err instanceof ThresholdChangeRefused) return { error: `Not saved: ${err.message}.` }
    throw err
  }
}
