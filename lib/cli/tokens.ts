import { parseArgs } from 'node:util'
import { z } from 'zod'
import { cliActor } from '@/lib/auth/actor'
import { createIngestToken, listIngestTokens, revokeIngestToken, rotateIngestToken, TokenChangeRefused, type IngestTokenView, type IssuedToken } from '@/lib/intake/tokens'
import { INGESTIBLE_SOURCES } from '@/lib/sources'
import { UsageError } from './usage'

const createSchema = z.object({
  name: z.string({ error: '--name is required' }).trim().min(1, '--name is required').max(200),
  sources: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : null))
    .pipe(z.array(z.enum(INGESTIBLE_SOURCES, { message: `--sources must name sources among: ${INGESTIBLE_SOURCES.join(', ')}` })).nullable()),
  expires: z.iso.datetime({ offset: true, message: '--expires must be an ISO 8601 time, e.g. 2027-01-01T00:00:00Z' }).optional(),
})
const idSchema = z.uuid({ message: 'name the token by its id (tokens list --json)' })
const graceSchema = z.coerce.number({ message: '--grace must be a number of seconds' }).int().min(0).max(30 * 86400)

/**
 * `custody tokens create|list|revoke|rotate` (intake.md): ingest tokens for provisioning scripts.
 * The token is printed once, by create and rotate; only its hash is kept.
 */
export async function tokensCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv
  const args = parsed(rest)
  try {
    if (verb === 'create') return print(args.json, await create(args.values))
    if (verb === 'list') return print(args.json, (await listIngestTokens(cliActor)).map(contractView))
    if (verb === 'revoke') return print(args.json, contractView(await revokeIngestToken(cliActor, oneId(args.positionals))))
    if (verb === 'rotate') {
      const grace = graceSchema.safeParse(args.values.grace ?? '3600')
      if (!grace.success) throw new UsageError(grace.error.issues[0].message)
      const issued = await rotateIngestToken(cliActor, { id: oneId(args.positionals), graceSeconds: grace.data })
      return print(args.json, { ...issuedView(issued), replaces: issued.replaces })
    }
  } catch (err) {
    if (!(err instanceof TokenChangeRefused)) throw err
    process.stderr.write(`custody: ${err.message}\n`)
    return 1
  }
  throw new UsageError(verb ? `unknown tokens command: ${verb}` : 'tokens needs a command: create, list, revoke or rotate')
}

async function create(values: Record<string, string | boolean | undefined>) {
  const spec = createSchema.safeParse(values)
  if (!spec.success) throw new UsageError(spec.error.issues.map((i) => i.message).join('; '))
  const { name, sources, expires } = spec.data
  const issued = await createIngestToken(cliActor, { name, sources, expiresAt: expires ? new Date(expires) : null })
  return issuedView(issued)
}

/** Exactly intake.md's `{ id, name, token, sources, expires_at }`: the only time the token is shown. */
function issuedView(t: IssuedToken) {
  return { id: t.id, name: t.name, token: t.token, sources: t.sources, expires_at: t.expiresAt?.toISOString() ?? null }
}

function parsed(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: 'string' }, sources: { type: 'string' }, expires: { type: 'string' }, grace: { type: 'string' }, json: { type: 'boolean', default: false } },
    })
    return { values, positionals, json: values.json === true }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

function oneId(positionals: string[]): string {
  const id = idSchema.safeParse(positionals.length === 1 ? positionals[0] : '')
  if (!id.success) throw new UsageError(id.error.issues[0].message)
  return id.data
}

/** A token's state, as `tokens list` shows it. */
function contractView(t: IngestTokenView) {
  return {
    id: t.id,
    name: t.name,
    sources: t.sources,
    expires_at: t.expiresAt?.toISOString() ?? null,
    revoked_at: t.revokedAt?.toISOString() ?? null,
    last_used_at: t.lastUsedAt?.toISOString() ?? null,
    created_by: t.createdBy,
    replaces: t.replaces,
  }
}

function print(json: boolean, value: object): number {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : human(value))
  return 0
}

function human(value: object): string {
  const rows = Array.isArray(value) ? value : [value]
  return rows.map((r) => Object.entries(r).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(',') : (v ?? '—')}`).join('  ')).join('\n') + '\n'
}
