import { canonicalJson } from './canonical'
import { manifestSchema, sideFileSchema, sideFileSignatureHolds, type Manifest } from './manifest'
import { pdfAttachments } from './pdf-attachments'
import { keyFingerprint, publicKeyFromText, sha256Hex, verifiesCanonical } from './signature'

/** What `custody verify --json` prints (evidence.md). */
export type VerifyResult = {
  ok: boolean
  control: string | null
  from: string | null
  to: string | null
  generated_at: string | null
  key_fingerprint: string | null
  problems: string[]
}

/** A `--key`: a public key (base64 of 32 bytes) or its fingerprint (`sha256:<hex>`). Null when it is neither. */
export function expectedSigner(key: string): { fingerprint: string } | null {
  if (/^sha256:[0-9a-f]{64}$/.test(key)) return { fingerprint: key }
  try {
    publicKeyFromText(key)
    return { fingerprint: keyFingerprint(key) }
  } catch {
    return null
  }
}

/**
 * Checks a pack with nothing but its bytes (evidence.md, verify): the file beside it is its
 * own canonical form, its signature holds over the manifest and the PDF's SHA-256, the PDF
 * has that SHA-256, the attached manifest is the same one and its signature holds too, and,
 * when `signer` is given, that key signed it. Every problem found is named.
 */
export function verifyPack(pdf: Buffer, side: Buffer | null, signer?: { fingerprint: string }): VerifyResult {
  const problems: string[] = []
  const embedded = embeddedManifest(pdf, problems)
  let manifest: Manifest | null = embedded?.manifest ?? null
  let fingerprint: string | null = null
  if (side === null) problems.push('the manifest file beside the PDF (<file.pdf>.manifest.json) is missing')
  else {
    const file = parseSideFile(side, problems)
    if (file) {
      manifest = file.manifest
      fingerprint = validKey(file.public_key) ? keyFingerprint(file.public_key) : null
      if (!fingerprint) problems.push('the manifest file’s public_key is not an Ed25519 public key')
      if (sha256Hex(pdf) !== file.pdf_sha256) problems.push('the PDF was changed: its SHA-256 is not the pdf_sha256 the manifest file signs')
      if (!sideFileSignatureHolds(file)) problems.push('the manifest file’s signature does not hold for its manifest and pdf_sha256')
      if (embedded && canonicalJson(embedded.manifest) !== canonicalJson(file.manifest)) problems.push('the manifest attached to the PDF differs from the manifest file beside it')
      if (embedded && !verifiesCanonical(embedded.manifest, embedded.signature, file.public_key)) problems.push('the signature attached to the PDF (manifest.sig) does not hold for its manifest.json')
      if (signer && fingerprint && fingerprint !== signer.fingerprint) problems.push(`signed by another key: ${fingerprint}, not ${signer.fingerprint}`)
    }
  }
  return {
    ok: problems.length === 0,
    control: manifest?.control ?? null,
    from: manifest?.from ?? null,
    to: manifest?.to ?? null,
    generated_at: manifest?.generated_at ?? null,
    key_fingerprint: fingerprint,
    problems,
  }
}

function parseSideFile(side: Buffer, problems: string[]) {
  let value: unknown
  try {
    value = JSON.parse(side.toString('utf8'))
  } catch {
    problems.push('the manifest file is not JSON')
    return null
  }
  const parsed = sideFileSchema.safeParse(value)
  if (!parsed.success) {
    problems.push(`the manifest file is not a pack manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`)
    return null
  }
  if (!Buffer.from(canonicalJson(value), 'utf8').equals(side)) problems.push('the manifest file is not in its canonical form (it was edited)')
  return parsed.data
}

function embeddedManifest(pdf: Buffer, problems: string[]): { manifest: Manifest; signature: string } | null {
  const files = pdfAttachments(pdf)
  const json = files.get('manifest.json'), sig = files.get('manifest.sig')
  if (!(json instanceof Buffer) || !(sig instanceof Buffer)) {
    problems.push('the PDF has no readable attached manifest.json and manifest.sig')
    return null
  }
  try {
    const manifest = manifestSchema.parse(JSON.parse(json.toString('utf8')))
    if (canonicalJson(manifest) !== json.toString('utf8')) problems.push('the manifest attached to the PDF is not in its canonical form')
    return { manifest, signature: sig.toString('utf8') }
  } catch {
    problems.push('the manifest attached to the PDF is not a pack manifest')
    return null
  }
}

function validKey(text: string): boolean {
  try {
    publicKeyFromText(text)
    return true
  } catch {
    return false
  }
}
