import { setTimeout as sleep } from 'node:timers/promises'
import { command, isEmbedded, query, sql } from '.'
import { onCluster, tableName } from './ddl'

/**
 * Merges each partition of the store's tables into one part (`OPTIMIZE … FINAL`; a partition already in one part is
 * skipped). For a store loaded in one go, such as the demo's: a server's background merges get there in time, but a
 * CLI process exits first, and until then every read with FINAL merges the same parts again (~0.4 s of the engine's
 * CPU in the demo quarter's evidence pack). The embedded
 * engine then deletes the parts the merges replaced (a second or two: EMBEDDED_MERGE_TREE_SETTINGS) before this returns,
 * so the next process does not load them.
 */
export async function compactTables(): Promise<void> {
  const tables = await query<{ name: string }>(
    sql`SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree' ORDER BY name`,
    { tag: 'compact:tables' },
  )
  for (const { name } of tables) {
    // on a cluster the engine lists the `_local` tables: those are what is merged, on every node
    await command(sql`OPTIMIZE TABLE ${tableName(name)} ${onCluster()} FINAL`, { tag: 'compact:table', settings: { optimize_skip_merged_partitions: 1 } })
  }
  if (isEmbedded()) await replacedPartsDeleted(REPLACED_PARTS_WAIT_MS)
}

// Far longer than the embedded engine's cleanup takes; past it the parts are left for a later process to delete.
const REPLACED_PARTS_WAIT_MS = 15_000

async function replacedPartsDeleted(withinMs: number): Promise<void> {
  for (const until = Date.now() + withinMs; Date.now() < until; await sleep(250)) {
    const [{ replaced }] = await query<{ replaced: number }>(
      sql`SELECT count() AS replaced FROM system.parts WHERE database = currentDatabase() AND NOT active`,
      { tag: 'compact:replaced-parts' },
    )
    if (Number(replaced) === 0) return
  }
}
