import { parseArgs } from 'node:util'
import { cliActor } from '@/lib/auth/actor'
import { rotateSigningKey, signingKeys, type SigningKey } from '@/lib/evidence/signing-key'
import { UsageError } from './usage'

/**
 * `custody signing-key show|rotate [--json]`: the keys that sign evidence packs (the active one
 * first, then the retired ones, which old packs name), or a new active key. Rotating keeps old
 * packs verifiable: each carries its public key, and retired fingerprints stay listed.
 */
export async function signingKeyCommand(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' } } })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const [action, ...rest] = parsed.positionals
  if (rest.length > 0 || (action !== 'show' && action !== 'rotate')) throw new UsageError('signing-key takes show or rotate')
  const keys = action === 'rotate' ? [(await rotateSigningKey(cliActor)).active] : await signingKeys(cliActor)
  process.stdout.write(parsed.values.json ? JSON.stringify(keys.map(shown)) + '\n' : keys.map(line).join(''))
  return 0
}

function shown(k: SigningKey) {
  return { fingerprint: k.fingerprint, public_key: k.publicKey, created_at: k.createdAt.toISOString(), retired_at: k.retiredAt?.toISOString() ?? null }
}

function line(k: SigningKey): string {
  return `${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : 'active'}  ${k.fingerprint}  ${k.publicKey}  created ${k.createdAt.toISOString()}\n`
}
