import { migrateClickHouse } from './migrate'

const state = globalThis as unknown as { __custodySchema?: Promise<unknown> }

/** Brings the schema up to date once per process before the first query. */
export function clickhouseReady(): Promise<unknown> {
  state.__custodySchema ??= migrateClickHouse().catch((err) => {
    state.__custodySchema = undefined
    throw err
  })
  return state.__custodySchema
}
