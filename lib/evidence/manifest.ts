import { z } from 'zod'
import { canonicalJson } from './canonical'
import { sha256Hex, signCanonical, verifiesCanonical } from './signature'
import type { KeyObject } from 'node:crypto'

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256')

const populationEntry = z.object({
  name: z.string(),
  rows: z.number().int().nonnegative(),
  sha256: hex64,
  query_sha256: hex64,
  parameters: z.record(z.string(), z.unknown()),
})
export type ManifestPopulation = z.infer<typeof populationEntry>

/** What a pack was made from (evidence.md, the manifest): signed, embedded in the PDF and written beside it. */
export const manifestSchema = z.object({
  control: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  generated_at: z.iso.datetime(),
  thresholds: z.record(z.string(), z.unknown()),
  generator: z.object({ name: z.string(), version: z.string() }),
  watermarks: z.array(z.record(z.string(), z.unknown())),
  populations: z.array(populationEntry),
})
export type Manifest = z.infer<typeof manifestSchema>

/** `<file.pdf>.manifest.json`: the signature covers `manifest` and `pdf_sha256`, so a changed PDF byte is caught too. */
export const sideFileSchema = z.object({
  manifest: manifestSchema,
  pdf_sha256: hex64,
  public_key: z.string(),
  signature: z.string(),
})
export type SideFile = z.infer<typeof sideFileSchema>

/** The file beside a PDF whose SHA-256 (lower-case hex) is `pdfSha256`. */
export function sideFile(manifest: Manifest, pdfSha256: string, publicKey: string, privateKey: KeyObject): Buffer {
  const signed = { manifest, pdf_sha256: pdfSha256 }
  return Buffer.from(canonicalJson({ ...signed, public_key: publicKey, signature: signCanonical(signed, privateKey) }), 'utf8')
}

export function sideFileSignatureHolds(file: SideFile): boolean {
  return verifiesCanonical({ manifest: file.manifest, pdf_sha256: file.pdf_sha256 }, file.signature, file.public_key)
}

/** The query of a population as the manifest fingerprints it: its text and its bound parameters. */
export function querySha256(text: string): string {
  return sha256Hex(text)
}
