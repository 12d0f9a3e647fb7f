import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { z } from 'zod'
import { currentActor } from '@/lib/auth/current'
import { CONTROL_IDS } from '@/lib/evidence/controls'
import { exportEvidencePack } from '@/lib/evidence/export'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const isoTime = (field: string) => z.iso.datetime({ offset: true, message: `${field} must be an ISO 8601 time, e.g. 2026-10-01T00:00:00Z` }).transform((t) => new Date(t))

/** The Evidence page's export form. `as_of` is fixed when the page renders, so the PDF and its manifest file asked for from one page are one pack. */
const exportForm = z
  .object({
    control: z.enum(CONTROL_IDS, { message: `control must be one of ${CONTROL_IDS.join(', ')}` }),
    from: isoTime('from'),
    to: isoTime('to'),
    as_of: isoTime('as_of').optional(),
    file: z.enum(['pdf', 'manifest'], { message: 'file must be pdf or manifest' }).default('pdf'),
  })
  .refine((f) => f.from < f.to, { message: 'from must be before to', path: ['from'] })

/**
 * A signed evidence pack for a control and period, as a download: the PDF, or the manifest
 * file that goes beside it (`<file.pdf>.manifest.json`). A POST, because exporting is recorded
 * (the export history and the audit trail): the guard refuses it cross-site, and roles that
 * may not export get 403.
 */
export async function POST(request: Request) {
  const actor = await currentActor('evidence:export', request)
  const form = await request.formData().catch(() => new FormData())
  // the form's fields, or the same names in the query string (a script's POST)
  const fields = [...new URL(request.url).searchParams, ...[...form].filter(([, v]) => typeof v === 'string')]
  const parsed = exportForm.safeParse(Object.fromEntries(fields))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return Response.json({ error: issue.message, field: String(issue.path[0] ?? '') }, { status: 400 })
  }
  const { control, from, to, as_of, file } = parsed.data
  // the PDF is written to a file as it is drawn and streamed from there, so a pack of any size is never held whole
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-pack-'))
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true })
  try {
    const pack = await exportEvidencePack(actor, { control, from, to, asOf: as_of, out: path.join(dir, 'pack.pdf') })
    const headers = { 'X-Custody-Pack-SHA256': pack.sha256, 'Cache-Control': 'no-store' }
    if (file === 'manifest') {
      removeDir()
      return download(new Uint8Array(pack.manifestFile), pack.manifestFile.length, 'application/json', `${pack.fileName}.manifest.json`, headers)
    }
    const pdf = fs.createReadStream(pack.out)
    pdf.on('close', removeDir)
    return download(Readable.toWeb(pdf) as ReadableStream<Uint8Array>, pack.bytes, 'application/pdf', pack.fileName, headers)
  } catch (err) {
    removeDir()
    throw err
  }
}

function download(body: BodyInit, length: number, type: string, name: string, headers: Record<string, string>): Response {
  return new Response(body, {
    headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Content-Length': String(length), ...headers },
  })
}
