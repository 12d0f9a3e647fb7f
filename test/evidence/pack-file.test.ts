import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PackFile } from '@/lib/evidence/pdf/pack-file'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-pack-file-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('a pack written to its file as it is made', () => {
  it('holds every chunk in order, and its SHA-256 and size are those of the file on disk', () => {
    const out = path.join(dir, 'whole.pdf')
    const file = new PackFile(out)
    // more than one flush: 3 MB in chunks of uneven size
    const chunks = Array.from({ length: 300 }, (_, i) => randomBytes(1000 + ((i * 7919) % 19_000)))
    for (const chunk of chunks) file.write(chunk)
    expect(fs.existsSync(out)).toBe(false) // only the partial file exists until it is complete
    const { sha256, bytes } = file.commit()
    const onDisk = fs.readFileSync(out)
    expect(onDisk.equals(Buffer.concat(chunks))).toBe(true)
    expect(sha256).toBe(createHash('sha256').update(onDisk).digest('hex'))
    expect(bytes).toBe(onDisk.length)
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
  })

  it('leaves nothing behind when the export fails, and never touches a pack already there', () => {
    const out = path.join(dir, 'failed.pdf')
    fs.writeFileSync(out, 'an earlier pack')
    const file = new PackFile(out)
    file.write(randomBytes(2 << 20))
    file.discard()
    expect(fs.readFileSync(out, 'utf8')).toBe('an earlier pack')
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
  })
})
