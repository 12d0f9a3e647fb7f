import { z } from 'zod'
import type { AttributionReport } from '@/lib/reports/attribution'

type IdentityRow = AttributionReport['identities'][number]

const SORTS = ['actions', 'identity', 'last_action', 'first_action', 'servers', 'tools', 'clients', 'flagged'] as const
type Sort = (typeof SORTS)[number]

/** The identities list's search, kind, sort and page (the /attribution page and its CSV), from the URL; a value that can't be used falls back to the default. */
export const identityQuerySchema = z.object({
  q: z.string().max(200).catch('').default(''),
  kind: z.enum(['all', 'person', 'service', 'ownerless', 'flagged']).catch('all').default('all'),
  sort: z.enum(SORTS).catch('actions').default('actions'),
  dir: z.enum(['asc', 'desc']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1).default(1),
  per: z.coerce.number().int().min(1).max(500).catch(50).default(50),
})
export type IdentityQuery = z.infer<typeof identityQuerySchema>

export const flaggedCount = (i: IdentityRow) => i.flagged.after_expiry + i.flagged.after_revocation + i.flagged.after_deprovision + i.flagged.conflict

const KEY: Record<Sort, (i: IdentityRow) => number | string> = {
  actions: (i) => i.actions,
  identity: (i) => i.identity,
  last_action: (i) => i.last_action,
  first_action: (i) => i.first_action,
  servers: (i) => i.servers,
  tools: (i) => i.tools,
  clients: (i) => i.clients,
  flagged: flaggedCount,
}

/** Text sorts ascend by default, counts and times descend (most, latest first). */
export function defaultDir(sort: Sort): 'asc' | 'desc' {
  return sort === 'identity' ? 'asc' : 'desc'
}

/**
 * The report's identities searched (identity, display name or owner), narrowed by kind and
 * sorted; ties keep the report's order (most actions, then identity).
 */
export function selectIdentities(rows: IdentityRow[], q: IdentityQuery): IdentityRow[] {
  const needle = q.q.trim().toLowerCase()
  const matches = rows.filter(
    (i) =>
      (!needle || [i.identity, i.display_name ?? '', i.owner ?? ''].some((s) => s.toLowerCase().includes(needle))) &&
      (q.kind === 'all' ||
        (q.kind === 'ownerless' ? i.kind === 'service' && i.owner === null : q.kind === 'flagged' ? flaggedCount(i) > 0 : i.kind === q.kind)),
  )
  const key = KEY[q.sort]
  const sign = (q.dir ?? defaultDir(q.sort)) === 'asc' ? 1 : -1
  return matches
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      const x = key(a.row), y = key(b.row)
      return x < y ? -sign : x > y ? sign : a.index - b.index
    })
    .map((e) => e.row)
}
