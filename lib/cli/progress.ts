import fs from 'node:fs'

/** A one-line progress bar on standard error; silent when stderr is not a terminal. */
export class ProgressBar {
  private readonly enabled = process.stderr.isTTY === true
  private readonly started = Date.now()
  private lastDraw = 0

  constructor(private readonly label: string, private readonly totalChars?: number) {}

  update(records: number, chars: number): void {
    if (!this.enabled) return
    const now = Date.now()
    if (now - this.lastDraw < 100) return
    this.lastDraw = now
    const rate = Math.round(records / Math.max(0.001, (now - this.started) / 1000))
    const counts = `${records.toLocaleString('en-US')} records, ${rate.toLocaleString('en-US')}/s`
    const bar = this.totalChars ? this.bar(Math.min(1, chars / this.totalChars)) + ' ' : ''
    process.stderr.write(`\r${this.label} ${bar}${counts}\x1b[K`)
  }

  done(): void {
    if (this.enabled) process.stderr.write('\r\x1b[K')
  }

  private bar(fraction: number): string {
    const width = 24
    const filled = Math.round(fraction * width)
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}%`
  }
}

/** Uncompressed size when knowable (plain files), for the bar's percentage. */
export function knownSize(file: string): number | undefined {
  if (file === '-' || file.endsWith('.gz')) return undefined
  try {
    return fs.statSync(file).size
  } catch {
    return undefined
  }
}
