import fs from 'node:fs'
import path from 'node:path'

/**
 * What changes whenever anything is written to the embedded app store (<dataDir>/postgres): every committed
 * write reaches the write-ahead log before any data file (PostgreSQL's WAL rule), and every close writes a
 * shutdown checkpoint to the log and pg_control. So while this value is unchanged, nothing was written since
 * it was taken — what a process read before taking it is still what the store holds. Take and compare it only
 * while holding the data-dir lock, with the store closed. null: no store there yet.
 */
export function pgliteFingerprint(dataDir: string): string | null {
  const pg = path.join(dataDir, 'postgres')
  const wal = path.join(pg, 'pg_wal')
  try {
    const files = [path.join(pg, 'global', 'pg_control'), ...fs.readdirSync(wal).sort().map((f) => path.join(wal, f))]
    return files
      .map((file) => {
        const s = fs.statSync(file, { bigint: true })
        return `${path.relative(pg, file)}:${s.ino}:${s.size}:${s.mtimeNs}`
      })
      .join('|')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}
