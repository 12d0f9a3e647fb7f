/**
 * Collects items and hands them on in batches: when `maxItems` are waiting, or items of
 * `maxBytes` (as `sizeOf` counts them), or `maxDelayMs` after the first one arrived,
 * whichever comes first. Writes run one at a time, in order (a batch's dedupe check sees
 * every earlier batch stored). One batch may be written while the next is filled, and no
 * more: a full batch waits for the write in flight (`add` waits: back-pressure), and a
 * batch whose interval passes during a write is written right after it, so a write slower
 * than the interval never queues batches behind it.
 */
export class BatchWriter<T> {
  private waiting: T[] = []
  private waitingBytes = 0
  private timer: NodeJS.Timeout | undefined
  /** the write in flight, settled once it has finished */
  private writing: Promise<void> | undefined
  /** the interval passed during a write: what is waiting goes as soon as the write ends */
  private overdue = false
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
      if (this.writing) await this.writing
      this.raiseFailure()
      this.startWrite()
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.startWrite(), this.knobs.maxDelayMs)
    }
  }

  /** Writes whatever is waiting and waits for every write. */
  async flush(): Promise<void> {
    while (this.writing || (this.waiting.length > 0 && this.failure === undefined)) {
      if (this.writing) await this.writing
      else this.startWrite()
    }
    this.raiseFailure()
  }

  private startWrite(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.waiting.length === 0 || this.failure !== undefined) return
    if (this.writing) {
      this.overdue = true
      return
    }
    const batch = this.waiting
    this.waiting = []
    this.waitingBytes = 0
    this.writing = this.write(batch)
      .catch((err) => {
        this.failure ??= err
      })
      .finally(() => {
        this.writing = undefined
        if (this.overdue) {
          this.overdue = false
          this.startWrite()
        }
      })
  }

  private raiseFailure(): void {
    if (this.failure !== undefined) throw this.failure
  }
}
