import { command, query, sql, unsafeRawSql } from '@/lib/clickhouse'
import { buildIdpGeneration, IDP_TABLES } from '@/lib/attribution/maintain/idp-side'
import { readState } from '@/lib/attribution/maintain/state'
import { localTable } from '@/lib/clickhouse/ddl'

/** A generation no run writes (theirs are ms timestamps): where the from-scratch one is built to compare. */
const SCRATCH = 1

type IdpTables = Record<(typeof IDP_TABLES)[number], unknown[]>

async function tablesAt(id: number): Promise<IdpTables> {
  const tables = {} as IdpTables
  for (const table of IDP_TABLES) {
    const versioned = table === 'attribution_credentials'
    tables[table] = await query(
      sql`SELECT * EXCEPT (${unsafeRawSql(versioned ? 'generation, version' : 'generation')})
        FROM ${unsafeRawSql(table)} ${unsafeRawSql(versioned ? 'FINAL' : '')} WHERE generation = toUInt64(${id}) ORDER BY ALL`,
      { tag: 'test', settings: { output_format_json_quote_64bit_integers: 0 } },
    )
  }
  return tables
}

/**
 * Every stored IdP table of the generation in force, and the same tables of a generation built
 * now from every fact (buildIdpGeneration, what a first run and `custody reattribute` do), row
 * for row. The scratch generation is dropped after.
 */
export async function currentAndFromScratch(): Promise<{ current: IdpTables; fromScratch: IdpTables }> {
  const state = await readState()
  if (state === null) throw new Error('no maintained state yet')
  await buildIdpGeneration(SCRATCH)
  try {
    return { current: await tablesAt(state.idp_generation), fromScratch: await tablesAt(SCRATCH) }
  } finally {
    for (const table of IDP_TABLES) {
      await command(sql`ALTER TABLE ${localTable(table)} DROP PARTITION ${unsafeRawSql(String(SCRATCH))}`, { tag: 'test' })
    }
  }
}
