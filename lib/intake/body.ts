import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'

const gunzipAsync = promisify(gunzip)

export class BodyTooLarge extends Error {
  constructor(readonly max: number) {
    super(`the body is larger than ${max} bytes after decompression (CUSTODY_INTAKE_MAX_BODY_BYTES)`)
    this.name = 'BodyTooLarge'
  }
}

export class BodyUnreadable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BodyUnreadable'
  }
}

/**
 * The whole request body, gunzipped when `Content-Encoding: gzip` says so or the bytes start with
 * the gzip magic. It is read whole before anything is stored, so a body over `max` (413) stores nothing.
 */
export async function requestBody(request: Request, max: number): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? NaN)
  const encoding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase()
  if (encoding && encoding !== 'gzip' && encoding !== 'identity') throw new BodyUnreadable(`Content-Encoding ${encoding} is not supported (gzip is)`)
  if (!encoding.includes('gzip') && declared > max) throw new BodyTooLarge(max)
  const raw = await readLimited(request, max)
  if (!(encoding === 'gzip' || (raw[0] === 0x1f && raw[1] === 0x8b))) return raw
  try {
    return await gunzipAsync(raw, { maxOutputLength: max })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge(max)
    throw new BodyUnreadable(`the gzip body is damaged: ${(err as Error).message}`)
  }
}

/** Compressed bytes beyond `max` are refused too: they would inflate past it anyway. */
async function readLimited(request: Request, max: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength
    if (size > max) throw new BodyTooLarge(max)
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}
