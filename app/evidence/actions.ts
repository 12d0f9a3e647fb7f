'use server'

import { redirect } from 'next/navigation'
import { z } from 'zod'
import type { ActionResult } from '@/app/components/ActionForm'
import { currentActor } from '@/lib/auth/current'
import { MAX_RECORDED_SAMPLE, recordSample, SAMPLE_POPULATIONS } from '@/lib/samples'

const isoTime = z.iso.datetime({ offset: true }).transform((t) => new Date(t))

const drawForm = z
  .object({
    population: z.enum(SAMPLE_POPULATIONS, { message: 'Choose a population.' }),
    size: z.coerce.number({ message: 'The size is a number.' }).int('The size is a whole number.').min(1, 'The size is at least 1.').max(MAX_RECORDED_SAMPLE, `The size is at most ${MAX_RECORDED_SAMPLE}.`),
    seed: z.string().trim().min(1, 'Give a seed: it lets anyone draw the same sample again.').max(200, 'The seed is at most 200 characters.'),
    from: isoTime,
    to: isoTime,
    control: z.string().max(10).optional(),
  })
  .refine((f) => f.from < f.to, { message: 'The period must end after it starts.' })

/** Draws and records a sample for the page's period, then shows it (its id in the URL). */
export async function drawSampleAction(_prev: ActionResult, form: FormData): Promise<ActionResult> {
  const actor = await currentActor('evidence:export')
  const parsed = drawForm.safeParse(Object.fromEntries(form))
  if (!parsed.success) return { error: parsed.error.issues[0].message }
  const { population, size, seed, from, to, control } = parsed.data
  let recorded
  try {
    recorded = await recordSample(actor, { population, from, to, size, seed })
  } catch (err) {
    console.error(err)
    return { error: `Could not draw the sample: ${err instanceof Error ? err.message.split('\n')[0].slice(0, 300) : String(err)}` }
  }
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), ...(control ? { control } : {}), sample: recorded.id })
  redirect(`/evidence?${query}#sample`)
}
