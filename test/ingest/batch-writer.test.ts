import { describe, expect, it } from 'vitest'
import { BatchWriter } from '@/lib/ingest/batch-writer'

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('BatchWriter', () => {
  it('writes full batches in order, and the rest on flush', async () => {
    const written: number[][] = []
    const writer = new BatchWriter<number>(async (b) => void written.push(b), { maxItems: 3, maxDelayMs: 10_000 })
    for (let i = 1; i <= 7; i++) await writer.add(i)
    await writer.flush()
    expect(written).toEqual([[1, 2, 3], [4, 5, 6], [7]])
  })

  it('writes a batch once its items reach maxBytes, however few they are', async () => {
    const written: string[][] = []
    const writer = new BatchWriter<string>(async (b) => void written.push(b), {
      maxItems: 1000,
      maxDelayMs: 10_000,
      maxBytes: 10,
      sizeOf: (s) => s.length,
    })
    for (const text of ['aaaa', 'bbbb', 'cccc', 'd', 'eeeeeeeeeeee', 'f']) await writer.add(text)
    await writer.flush()
    expect(written).toEqual([['aaaa', 'bbbb', 'cccc'], ['d', 'eeeeeeeeeeee'], ['f']])
  })

  it('writes a partial batch once the interval has passed', async () => {
    const written: number[][] = []
    const writer = new BatchWriter<number>(async (b) => void written.push(b), { maxItems: 100, maxDelayMs: 20 })
    await writer.add(1)
    await writer.add(2)
    await tick(60)
    expect(written).toEqual([[1, 2]])
  })

  it('fills the next batch while one is written, but never runs two writes at once', async () => {
    let running = 0
    let maxRunning = 0
    const started: number[] = []
    const writer = new BatchWriter<number>(
      async (b) => {
        running++
        maxRunning = Math.max(maxRunning, running)
        started.push(b[0])
        await tick(10)
        running--
      },
      { maxItems: 2, maxDelayMs: 10_000 },
    )
    for (let i = 0; i < 10; i++) await writer.add(i)
    await writer.flush()
    expect(maxRunning).toBe(1)
    expect(started).toEqual([0, 2, 4, 6, 8])
  })

  it('holds one batch in flight and the one being filled, however much slower writes are than the interval', async () => {
    let added = 0
    let written = 0
    let mostHeld = 0
    const writer = new BatchWriter<number>(
      async (b) => {
        await tick(30)
        written += b.length
      },
      { maxItems: 4, maxDelayMs: 1 },
    )
    for (let i = 0; i < 40; i++) {
      await writer.add(i)
      added++
      mostHeld = Math.max(mostHeld, added - written)
      await tick(2)
    }
    await writer.flush()
    expect(written).toBe(40)
    expect(mostHeld).toBeLessThanOrEqual(2 * 4)
  })

  it('raises a failed write to the caller instead of losing it', async () => {
    const writer = new BatchWriter<number>(async () => {
      throw new Error('store down')
    }, { maxItems: 1, maxDelayMs: 10_000 })
    await writer.add(1).catch(() => {})
    await expect(writer.flush()).rejects.toThrow('store down')
  })
})
