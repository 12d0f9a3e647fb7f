import { createHash } from 'node:crypto'
import { setImmediate as eventLoopTurn } from 'node:timers/promises'
import { csvBatches } from '@/lib/populations/csv'
import type { PackPopulationRows } from '../populations'
import { heading, paragraph, type PackDocument } from './document'
import { cell } from './format'
import { PackTable } from './table'

const CSV_BATCH = 1000

// Wider columns for ids and times, which are long and unbreakable.
const weightOf = (column: string) => (/(_id|^identity$|^display_name$|^owner$)/.test(column) ? 2.2 : /(_at|^time$|_action$|_grant$)/.test(column) ? 1.7 : 1)

/**
 * Lists a population in full as a table (header on every page), and hashes its CSV as the
 * dashboard downloads it, in the same pass over the streamed rows: at most a thousand rows are held.
 */
export async function populationTable(doc: PackDocument, title: string, population: PackPopulationRows): Promise<{ rows: number; sha256: string }> {
  doc.addPage()
  heading(doc, title)
  const table = new PackTable(doc, population.columns.map((c) => ({ header: c, weight: weightOf(c) })))
  const csv = csvBatches(population.columns)
  const hash = createHash('sha256')
  const batch: object[] = []
  let rows = 0
  for await (const row of population.rows) {
    batch.push(row)
    if (batch.length === CSV_BATCH) {
      hash.update(csv(batch.splice(0)))
      // The rows arrive without a turn of the event loop (chDB's result is already in memory), but the
      // populations read ahead only advance on one: chDB starts a parameterized query when the one
      // before it has completed in JavaScript. Without this turn a table of 30,000 rows holds the
      // engine idle until it is drawn.
      await eventLoopTurn()
    }
    const values = row as Record<string, unknown>
    table.row(population.columns.map((c) => cell(values[c])))
    rows++
  }
  hash.update(csv(batch))
  table.end()
  paragraph(doc, rows === 0 ? 'No rows: the population is empty for this period.' : `${rows} rows.`, { size: 8 })
  return { rows, sha256: hash.digest('hex') }
}
