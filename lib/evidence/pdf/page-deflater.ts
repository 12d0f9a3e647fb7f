import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'

// Deflates each page's content as it arrives, in order, and counts the pages done where the drawing thread can see it.
// Plain JavaScript (eval): it runs the same from the CLI's bundle, from tsx and from the tests.
const DEFLATE_THREAD = `
const { workerData } = require('node:worker_threads')
const { deflateSync } = require('node:zlib')
const { port, done, level } = workerData
port.on('message', (raw) => {
  const deflated = deflateSync(raw, { level })
  const exact = new Uint8Array(deflated) // its own buffer, exactly its size, handed over without a copy
  port.postMessage(exact, [exact.buffer])
  Atomics.add(done, 0, 1)
  Atomics.notify(done, 0)
})
`

// Far longer than any page takes to deflate: past it, the thread is taken to have died, rather than waited for forever.
const STALLED_MS = 60_000

/**
 * Page contents deflated on a thread of their own while the pages after them are drawn: handed over as each page
 * ends (`give`), taken back in the same order (`take`), waiting only when the thread is behind. The same zlib at
 * the same level gives the same bytes on any thread; which page is written when is decided by the caller alone.
 */
export class PageDeflater {
  private readonly port: MessagePort
  private readonly worker: Worker
  private readonly done = new Int32Array(new SharedArrayBuffer(4))
  private taken = 0
  private closed = false

  constructor(level: number) {
    const { port1, port2 } = new MessageChannel()
    this.worker = new Worker(DEFLATE_THREAD, { eval: true, workerData: { port: port2, done: this.done, level }, transferList: [port2] })
    this.worker.unref() // never what keeps the process alive
    this.port = port1
  }

  give(content: Buffer): void {
    // a buffer of its own is handed over; a slice of Node's shared pool (a small page) is copied
    const own = content.byteOffset === 0 && content.byteLength === content.buffer.byteLength ? content : Buffer.from(content)
    this.port.postMessage(own, [own.buffer as ArrayBuffer])
  }

  /** The deflated content of the page given earliest and not taken yet. */
  take(): Buffer {
    const n = ++this.taken
    for (let done = Atomics.load(this.done, 0); done < n; done = Atomics.load(this.done, 0)) {
      if (Atomics.wait(this.done, 0, done, STALLED_MS) === 'timed-out') throw new Error('the thread deflating the pages stopped')
    }
    const received = receiveMessageOnPort(this.port)
    if (!received) throw new Error('the thread deflating the pages answered out of turn')
    const deflated = received.message as Uint8Array
    return Buffer.from(deflated.buffer, deflated.byteOffset, deflated.byteLength)
  }

  /** Ends the thread; again is a no-op. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.port.close()
    void this.worker.terminate()
  }
}
