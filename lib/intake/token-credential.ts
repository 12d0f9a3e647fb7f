import { Readable } from 'node:stream'
import { clickhouseReady } from '@/lib/clickhouse/ready'
import { ingest } from '@/lib/ingest/pipeline'
import { sourceParser } from '@/lib/sources'

type TokenState = {
  name: string
  tokenSha256: string
  createdBy: string
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
}

/**
 * Custody's own ingest tokens are credentials like any other (intake.md): each change is stored
 * as a line of the key inventory (`--source keys`), so token-age and revocation evidence see them.
 * The token belongs to the service account `custody-intake:<name>`, owned by its creator.
 */
export async function recordTokenCredential(token: TokenState): Promise<void> {
  await clickhouseReady()
  const line = {
    sha256: token.tokenSha256,
    name: token.name,
    type: 'service_token',
    owner: token.createdBy.includes('@') ? token.createdBy : undefined,
    service_account: `custody-intake:${token.name}`,
    created_at: token.createdAt.toISOString(),
    expires_at: token.expiresAt?.toISOString() ?? null,
    revoked_at: token.revokedAt?.toISOString() ?? null,
  }
  const summary = await ingest(sourceParser('keys'), [{ name: 'ingest-tokens', open: () => Readable.from([JSON.stringify(line)]) }])
  if (summary.rejected > 0) throw new Error(`ingest token ${token.name} was not recorded as a credential: ${summary.rejects[0]?.error}`)
}
