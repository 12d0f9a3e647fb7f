import type { Actor } from '@/lib/auth/actor'
import { signingKeys } from '@/lib/evidence/signing-key'
import { formatTime } from '../components/format'
import { load } from '../components/load'
import { Failed } from '../components/Section'

/** The active public key and its fingerprint, and every retired one (old packs name them). */
export async function SigningKeys({ actor }: { actor: Actor }) {
  const loaded = await load(() => signingKeys(actor))
  if (!loaded.ok) return <Failed what="the signing keys" message={loaded.message} />
  return (
    <table aria-label="Signing keys">
      <thead><tr><th>Status</th><th>Fingerprint</th><th>Public key</th><th>Created (UTC)</th></tr></thead>
      <tbody>
        {loaded.value.map((k) => (
          <tr key={k.fingerprint} data-testid={k.retiredAt ? 'retired-key' : 'active-key'}>
            <td>{k.retiredAt ? `retired ${formatTime(k.retiredAt.toISOString())}` : 'active'}</td>
            <td><code data-testid="key-fingerprint">{k.fingerprint}</code></td>
            <td><code className="wrap" data-testid="public-key">{k.publicKey}</code></td>
            <td>{formatTime(k.createdAt.toISOString())}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
