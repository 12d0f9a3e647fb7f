/**
 * gateway.ndjson, one day at a time: the day's sessions are rendered, their lines
 * sorted by time and written; lines that run past midnight wait for the next day.
 * Like a shipper that re-delivers, one line in a thousand appears again a day later.
 */
import { PERIOD_DAYS, dayStart } from './clock'
import type { GatewayLines } from './gateway-lines'
import { LineBuffer } from './line-buffer'
import { NdjsonWriter } from './ndjson-writer'
import type { SessionPlan } from './session'

export const REDELIVERY_EVERY = 1000

export async function writeGatewayLog(path: string, sessions: SessionPlan[], lines: GatewayLines): Promise<{ records: number; duplicates: number }> {
  const writer = new NdjsonWriter(path)
  let day = new LineBuffer()
  let redeliver: Buffer[] = []
  let duplicates = 0
  let next = 0
  let written = 0
  for (let d = 0; d < PERIOD_DAYS; d++) {
    const end = dayStart(d + 1)
    while (next < sessions.length && sessions[next].start < end) lines.render(sessions[next++], day)
    const again: Buffer[] = []
    const carried = new LineBuffer()
    const { chunk, lines: count } = day.takeBefore(end, carried, (line) => {
      if (++written % REDELIVERY_EVERY === 0) again.push(Buffer.from(line))
    })
    writer.addBytes(chunk, count)
    if (redeliver.length) writer.addBytes(Buffer.concat(redeliver), redeliver.length)
    duplicates += redeliver.length
    redeliver = again
    day = carried
    await writer.flush()
  }
  if (redeliver.length) writer.addBytes(Buffer.concat(redeliver), redeliver.length)
  duplicates += redeliver.length
  await writer.close()
  return { records: writer.records, duplicates }
}
