import { on } from 'node:events'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { constants, createGunzip, type Gunzip } from 'node:zlib'

/** Where the input stopped being readable, when it did: it then holds only what came before. */
export type InputDamage = { damage?: string }

/**
 * The input's text, chunk by chunk, gunzipped when it starts with the gzip magic. A gzip
 * stream cut short or damaged yields everything it held up to the damage, then ends and
 * says why in `ending.damage`; memory stays at a few chunks whatever the input's size.
 */
export async function* decodedText(input: Readable, ending: InputDamage): AsyncGenerator<string, void> {
  const bytes = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const first = await bytes.next()
  if (first.done) return
  const all = (async function* () {
    yield first.value
    for (let next = await bytes.next(); !next.done; next = await bytes.next()) yield next.value
  })()
  const decoder = new StringDecoder('utf8')
  try {
    for await (const chunk of isGzip(first.value) ? gunzipped(all, ending) : all) {
      const text = decoder.write(chunk)
      if (text.length > 0) yield text
    }
    const tail = decoder.end()
    if (tail.length > 0) yield tail
  } finally {
    input.destroy() // a reader that stops early leaves no file open
  }
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

async function* gunzipped(compressed: AsyncIterable<Buffer>, ending: InputDamage): AsyncGenerator<Buffer> {
  const gunzip = createGunzip()
  void feed(compressed, gunzip)
  try {
    // paused while a few chunks wait, so a small file that inflates hugely never sits in memory
    for await (const [chunk] of on(gunzip, 'data', { close: ['end'], highWaterMark: 4 })) yield chunk as Buffer
  } catch (err) {
    const zlibError = err as NodeJS.ErrnoException
    if (!zlibError.code?.startsWith('Z_')) throw err
    ending.damage = zlibError.code === 'Z_BUF_ERROR' ? 'the gzip data ends early' : `the gzip data is damaged (${zlibError.message})`
  } finally {
    gunzip.destroy()
  }
}

async function feed(compressed: AsyncIterable<Buffer>, gunzip: Gunzip): Promise<void> {
  try {
    for await (const chunk of compressed) {
      if (gunzip.destroyed) return
      if (!gunzip.write(chunk)) await drainedOrClosed(gunzip)
    }
    // without this flush, zlib drops the output of its last step when the data ends early
    gunzip.flush(constants.Z_SYNC_FLUSH, () => gunzip.end())
  } catch (err) {
    gunzip.destroy(err as Error)
  }
}

function drainedOrClosed(gunzip: Gunzip): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      gunzip.off('drain', done)
      gunzip.off('close', done)
      resolve()
    }
    gunzip.on('drain', done)
    gunzip.on('close', done)
  })
}
