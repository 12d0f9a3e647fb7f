/**
 * Collects items and hands them on in batches: when `maxItems` are waiting, or items of
 * `maxBytes` (as `sizeOf` counts them), or `maxDelayMs` after the first one arrived,
 * whichever comes first. Writes run one
 * at a time, in order (a batch's dedupe check sees every earlier batch stored).
 * One batch may be written while the next is filled; `add` waits beyond that (back-pressure).
 */
export class BatchWriter<T> {
  private waiting: T[] = []
  private waitingBytes = 0
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  /** the chain without its newest write: awaiting it leaves one write in flight */
  private beforeNewest: Promise<void> = Promise.resolve()
  private failure: unknown

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly knobs: { maxItems: number; maxDelayMs: number; maxBytes?: number; sizeOf?: (item: T) => number },
  ) {}

  async add(item: T): Promise<void> {
    return this.addAll([item])
  }

  async addAll(items: T[]): Promise<void> {
    this.raiseFailure()
    const { sizeOf } = this.knobs
    for (const item of items) {
      this.waiting.push(item)
      if (sizeOf) this.waitingBytes += sizeOf(item)
    }
    if (this.waiting.length >= this.knobs.maxItems || this.waitingBytes >= (this.knobs.maxBytes ?? Infinity)) {
      this.startWrite()
      await this.beforeNewest
      this.raiseFailure()
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.startWrite(), this.knobs.maxDelayMs)
    }
  }

  /** Writes whatever is waiting and waits for every write. */
  async flush(): Promise<void> {
    this.startWrite()
    await this.settled()
  }

  private startWrite(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.waiting
    if (batch.length === 0) return
    this.waiting = []
    this.waitingBytes = 0
    this.beforeNewest = this.chain
    this.chain = this.chain
      .then(() => (this.failure === undefined ? this.write(batch) : undefined))
      .catch((err) => {
        this.failure ??= err
      })
  }

  /** Waits until every write started so far has finished; re-raises a write's failure. */
  private async settled(): Promise<void> {
    await this.chain
    this.raiseFailure()
  }

  private raiseFailure(): void {
    if (this.failure !== undefined) throw this.failure
  }
}
