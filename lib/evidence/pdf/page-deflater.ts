import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'

// Deflates each batch of page contents as it arrives, in order, and counts the batches done where the drawing thread
// can see it. Plain JavaScript (eval): it runs the same from the CLI's bundle, from tsx and from the tests.
const DEFLATE_THREAD = `
const { workerData } = require('node:worker_threads')
const { deflateSync } = require('node:zlib')
const { port, done, level } = workerData
port.on('message', (pages) => {
  // each its own buffer, exactly its size, handed over without a copy
  const deflated = pages.map((raw) => new Uint8Array(deflateSync(raw, { level })))
  port.postMessage(deflated, deflated.map((d) => d.buffer))
  Atomics.add(done, 0, 1)
  Atomics.notify(done, 0)
})
`

// Pages handed over in one message: a message and a wake-up of each thread per page cost more CPU than deflating it.
const BATCH_PAGES = 16
// Far longer than any batch takes to deflate: past it, the thread is taken to have died, rather than waited for forever.
const STALLED_MS = 60_000

/**
 * Page contents deflated on a thread of their own while the pages after them are drawn: handed over as each page
 * ends (`give`), sent a batch at a time, taken back in the same order (`take`, which sends the batch its page is in
 * when that is not sent yet, and waits only when the thread is behind). The same zlib at the same level gives the
 * same bytes on any thread; which page is written when is decided by the caller alone.
 */
export class PageDeflater {
  private readonly port: MessagePort
  private readonly worker: Worker
  private readonly done = new Int32Array(new SharedArrayBuffer(4))
  private unsent: Uint8Array[] = []
  private sentBatches = 0
  private receivedBatches = 0
  private received: Buffer[] = []
  private next = 0 // the first of `received` not taken yet
  private closed = false

  constructor(level: number) {
    const { port1, port2 } = new MessageChannel()
    this.worker = new Worker(DEFLATE_THREAD, { eval: true, workerData: { port: port2, done: this.done, level }, transferList: [port2] })
    this.worker.unref() // never what keeps the process alive
    this.port = port1
  }

  give(content: Buffer): void {
    // a buffer of its own is handed over; a slice of Node's shared pool (a small page) is copied
    this.unsent.push(content.byteOffset === 0 && content.byteLength === content.buffer.byteLength ? content : Buffer.from(content))
    if (this.unsent.length === BATCH_PAGES) this.send()
  }

  /** The deflated content of the page given earliest and not taken yet. */
  take(): Buffer {
    if (this.next === this.received.length) {
      if (this.receivedBatches === this.sentBatches) this.send()
      this.receiveBatch()
    }
    return this.received[this.next++]
  }

  /** Ends the thread; again is a no-op. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.port.close()
    void this.worker.terminate()
  }

  private send(): void {
    if (this.unsent.length === 0) throw new Error('no page given to deflate')
    this.port.postMessage(this.unsent, this.unsent.map((page) => page.buffer as ArrayBuffer))
    this.unsent = []
    this.sentBatches++
  }

  private receiveBatch(): void {
    const n = ++this.receivedBatches
    for (let done = Atomics.load(this.done, 0); done < n; done = Atomics.load(this.done, 0)) {
      if (Atomics.wait(this.done, 0, done, STALLED_MS) === 'timed-out') throw new Error('the thread deflating the pages stopped')
    }
    const answer = receiveMessageOnPort(this.port)
    if (!answer) throw new Error('the thread deflating the pages answered out of turn')
    this.received = (answer.message as Uint8Array[]).map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength))
    this.next = 0
  }
}
