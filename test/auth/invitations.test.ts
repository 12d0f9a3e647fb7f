import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { closeAppStore, openAppStore } from '@/db'
import { cliActor } from '@/lib/auth/actor'
import { hashPassword } from '@/lib/auth/password'
import { acceptInvite, inviteUser } from '@/lib/users/manage'
import { releaseDataDirLock } from '@/lib/store/lock'

// Counts the scrypt runs an anonymous invitation request causes.
vi.mock('@/lib/auth/password', async (original) => {
  const real = await original<typeof import('@/lib/auth/password')>()
  return { ...real, hashPassword: vi.fn(real.hashPassword) }
})

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-invitations-'))
process.env.CUSTODY_DATA_DIR = dataDir
delete process.env.DATABASE_URL
const origin = { ip: '192.0.2.5', userAgent: 'vitest' }

beforeAll(async () => {
  await openAppStore()
})
afterAll(async () => {
  await closeAppStore()
  releaseDataDirLock(dataDir) // before the dir goes: the lock's heartbeat would find it gone and stop the process
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('accepting an invitation', () => {
  it('looks the token up before hashing: a made-up or used-up link costs no scrypt', async () => {
    const { inviteUrl } = await inviteUser(cliActor, { email: 'joe@example.test', role: 'auditor' })
    const token = new URL(inviteUrl).searchParams.get('invite')!
    vi.mocked(hashPassword).mockClear()
    await expect(acceptInvite({ token: 'x'.repeat(43), password: 'a long enough password' }, origin)).rejects.toThrow('not valid any more')
    expect(hashPassword).not.toHaveBeenCalled()
    await acceptInvite({ token, password: 'a long enough password' }, origin)
    expect(hashPassword).toHaveBeenCalledTimes(1)
    await expect(acceptInvite({ token, password: 'another long password' }, origin)).rejects.toThrow('not valid any more')
    expect(hashPassword).toHaveBeenCalledTimes(1)
  })

  it('lets only one of two racing requests with the same link set the password', async () => {
    const { inviteUrl } = await inviteUser(cliActor, { email: 'ann@example.test', role: 'auditor' })
    const token = new URL(inviteUrl).searchParams.get('invite')!
    const results = await Promise.allSettled([
      acceptInvite({ token, password: 'first long password' }, origin),
      acceptInvite({ token, password: 'second long password' }, origin),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
  })
})
