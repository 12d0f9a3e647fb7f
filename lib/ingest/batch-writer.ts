/**
 * Collects items and hands them on in batches: when `maxItems` are waiting, or
 * `maxDelayMs` after the first one arrived, whichever comes first. Flushes run one
 * at a time, in order; `add` waits while a full batch is being written (back-pressure).
 */
export class BatchWriter<T> {
  private waiting: T[] = []
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()
  private failure: unknown

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly knobs: { maxItems: number; maxDelayMs: number },
  ) {}

  async add(item: T): Promise<void> {
    this.raiseFailure()
    this.waiting.push(item)
    if (this.waiting.length >= this.knobs.maxItems) await this.flush()
    else if (!this.timer) this.timer = setTimeout(() => void this.flush().catch(() => {}), this.knobs.maxDelayMs)
  }

  /** Writes whatever is waiting and waits for every earlier write. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.waiting
    this.waiting = []
    if (batch.length > 0) {
      this.chain = this.chain.then(() => this.write(batch)).catch((err) => {
        this.failure = err
      })
    }
    await this.chain
    this.raiseFailure()
  }

  private raiseFailure(): void {
    if (this.failure !== undefined) throw this.failure
  }
}
