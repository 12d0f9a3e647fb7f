import { sql } from 'drizzle-orm'
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Evidence files handed out, so an auditor's copy can be matched by its hash. Period is [from, to). */
export const evidenceExports = pgTable(
  'evidence_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    control: text('control').notNull(),
    periodFrom: at('period_from').notNull(),
    periodTo: at('period_to').notNull(),
    fileSha256: text('file_sha256').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    /** the pack's `generated_at` (`--as-of`), which may differ from when it was made */
    generatedAt: at('generated_at'),
    fileName: text('file_name'),
    keyFingerprint: text('key_fingerprint'),
    /** the signed manifest, as the file beside the PDF carries it */
    manifest: jsonb('manifest').$type<Record<string, unknown>>(),
  },
  (t) => [
    check('evidence_exports_period', sql`${t.periodFrom} < ${t.periodTo}`),
    index('evidence_exports_created_at').on(t.createdAt),
  ],
)

/**
 * Samples drawn from the dashboard (evidence.md, Samples): who drew which, when (the
 * generated_at it was drawn at), from which population of [period_from, period_to), with
 * which seed and size; the drawn keys and items in drawn order, so the period's packs print
 * exactly what was handed out and `custody sample` with the same arguments reproduces it.
 */
export const evidenceSamples = pgTable(
  'evidence_samples',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    population: text('population').notNull(),
    periodFrom: at('period_from').notNull(),
    periodTo: at('period_to').notNull(),
    seed: text('seed').notNull(),
    size: integer('size').notNull(),
    populationSize: bigint('population_size', { mode: 'number' }).notNull(),
    keys: jsonb('keys').$type<Record<string, string | number>[]>().notNull(),
    items: jsonb('items').$type<Record<string, unknown>[]>().notNull(),
    drawnBy: text('drawn_by').notNull(),
    drawnAt: at('drawn_at').notNull(),
  },
  (t) => [
    check('evidence_samples_period', sql`${t.periodFrom} < ${t.periodTo}`),
    index('evidence_samples_period').on(t.periodFrom, t.periodTo),
    index('evidence_samples_drawn_at').on(t.drawnAt),
  ],
)

/**
 * The Ed25519 key pairs that sign evidence packs. One is active (retired_at null); a rotated
 * one stays listed so the fingerprint an auditor was given keeps meaning something. The
 * private key is sealed (lib/store/sealed-secrets.ts) and never leaves the signing code.
 */
export const evidenceSigningKeys = pgTable(
  'evidence_signing_keys',
  {
    fingerprint: text('fingerprint').primaryKey(),
    publicKey: text('public_key').notNull(),
    sealedPrivateKey: text('sealed_private_key').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    retiredAt: at('retired_at'),
  },
  (t) => [uniqueIndex('evidence_signing_keys_one_active').on(sql`(${t.retiredAt} IS NULL)`).where(sql`${t.retiredAt} IS NULL`)],
)
