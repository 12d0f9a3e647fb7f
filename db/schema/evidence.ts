import { sql } from 'drizzle-orm'
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

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
  },
  (t) => [
    check('evidence_exports_period', sql`${t.periodFrom} < ${t.periodTo}`),
    index('evidence_exports_created_at').on(t.createdAt),
  ],
)
