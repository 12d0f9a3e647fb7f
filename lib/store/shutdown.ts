import { closeAppStore } from '@/db'
import { closeClickHouse } from '@/lib/clickhouse'

const SIGNALS = ['SIGTERM', 'SIGINT'] as const
// Past this, the process exits with the stores as they are rather than never.
const CLOSE_LIMIT_MS = 15_000

/**
 * The dashboard's server closes its embedded stores when it is asked to stop (SIGTERM, SIGINT), before it exits.
 * Next's own handler of those signals ends in process.exit(), and an exit with chDB still open runs libchdb's
 * destructors beside the engine's background threads, which can deadlock: seen here, a server that never exited
 * after SIGTERM. So the work that would start new queries is stopped (`stopWork`, once what runs has ended), the
 * stores close (the engine once its last query has ended), and an exit asked for meanwhile waits for them.
 */
export function closeStoresOnSignal(stopWork: () => Promise<void>): void {
  let closing = false
  const onSignal = () => {
    if (closing) return
    closing = true
    const exit = process.exit
    let heldExit: { code?: number | string | null } | null = null
    process.exit = ((code?: number | string | null) => {
      heldExit = { code }
    }) as typeof process.exit
    const limit = new Promise((resolve) => setTimeout(resolve, CLOSE_LIMIT_MS).unref())
    void Promise.race([stopWork().then(closeStores), limit]).finally(() => {
      process.exit = exit
      if (heldExit) exit(heldExit.code)
    })
  }
  for (const signal of SIGNALS) process.on(signal, onSignal)
}

async function closeStores(): Promise<void> {
  await closeClickHouse().catch((err: Error) => console.error(`custody: closing ClickHouse: ${err.message}`))
  await closeAppStore()
  console.error('custody: the embedded stores are closed')
}
