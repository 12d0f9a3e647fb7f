// One racer for the data-dir lock: `race <dir> <fifo>` waits on the fifo (the starting gun,
// so every racer tries at the same moment), then tries to take the lock and prints
// `won` (holding it until <dir>/race-over exists) or `busy`. `hold <dir>` takes it and
// holds it until killed.
import fs from 'node:fs'
import path from 'node:path'
import { DataDirBusyError, acquireDataDirLock } from '@/lib/store/lock'

const [mode, dir, fifo] = process.argv.slice(2)

if (mode === 'race') {
  process.stdout.write('ready\n')
  fs.readFileSync(fifo) // blocks until the test opens and closes the other end
}
try {
  acquireDataDirLock(dir)
} catch (err) {
  if (!(err instanceof DataDirBusyError)) throw err
  process.stdout.write('busy\n')
  process.exit(3)
}
process.stdout.write(mode === 'race' ? 'won\n' : 'held\n')
const over = path.join(dir, 'race-over')
const deadline = Date.now() + 120_000
setInterval(() => {
  if (mode === 'race' && (fs.existsSync(over) || Date.now() > deadline)) process.exit(0)
}, 50)
