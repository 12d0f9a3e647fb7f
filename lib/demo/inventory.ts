/**
 * The gateway key inventory (keys.ndjson): service keys, PATs, service tokens.
 * Each key's sha256 is the hash of a deterministic fake secret.
 */
import { sha256Hex } from '@/lib/sources/fingerprint'
import { DAY, PERIOD_END, PERIOD_START, iso } from './clock'
import type { Company, KeyService, Person } from './company'
import type { Random } from './random'

export type KeyType = 'api_key' | 'pat' | 'service_token'

export type InventoryKey = {
  sha256: string
  name: string
  type: KeyType
  owner: Person | null
  service: KeyService | null
  createdAt: number
  expiresAt: number | null
  revokedAt: number | null
}

export type Inventory = {
  keys: InventoryKey[]
  /** a service account's keys, oldest first */
  serviceKeys: Map<string, InventoryKey[]>
  /** a person's PATs */
  pats: Map<number, InventoryKey>
  /** keys several people present */
  sharedKeys: InventoryKey[]
  /** service keys revoked in the period that a forgotten job keeps presenting */
  rotatedKeys: InventoryKey[]
  /** keys gateways see that no inventory lists */
  unknownKeys: { sha256: string; name: string }[]
}

export function isKeyLive(key: InventoryKey, t: number): boolean {
  return key.createdAt <= t && (key.expiresAt === null || t < key.expiresAt) && (key.revokedAt === null || t < key.revokedAt)
}

export function buildInventory(rng: Random, company: Company): Inventory {
  const mint = (name: string, type: KeyType, owner: Person | null, service: KeyService | null, createdAt: number, expiresAt: number | null, revokedAt: number | null = null): InventoryKey => ({
    sha256: sha256Hex(`acme_${type}_${rng.base62(32)}`), name, type, owner, service,
    createdAt: Math.floor(createdAt), expiresAt: expiresAt === null ? null : Math.floor(expiresAt), revokedAt: revokedAt === null ? null : Math.floor(revokedAt),
  })
  const serviceKeys = new Map<string, InventoryKey[]>()
  const rotatedKeys: InventoryKey[] = []
  for (const svc of company.keyServices) {
    const createdAt = PERIOD_END - rng.between(100, 420) * DAY
    const expiresAt = rng.chance(0.5) ? null : Math.max(createdAt + 365 * DAY, PERIOD_END + 30 * DAY)
    serviceKeys.set(svc.name, [mint(`${svc.name}-prod`, svc.keyType, svc.owner, svc, createdAt, expiresAt)])
  }
  for (const [name, day] of [['etl-runner', 31], ['slack-digest', 57]] as const) {
    const [old] = serviceKeys.get(name)!
    const rotatedAt = PERIOD_START + day * DAY + rng.between(15, 20) * 3600_000
    old.revokedAt = Math.floor(rotatedAt)
    const fresh = mint(`${name}-prod-2`, old.type, old.owner, old.service, rotatedAt - DAY, rotatedAt - DAY + 365 * DAY)
    serviceKeys.get(name)!.push(fresh)
    rotatedKeys.push(old)
  }
  const pats = mintPats(rng, company, mint)
  const lead = rng.pick(company.people.filter((p) => p.department === 'engineering' && p.activity > 0 && !p.departure && !pats.has(p.index)))
  const teamKey = mint('growth-team-key', 'api_key', lead, null, PERIOD_END - 240 * DAY, null)
  const retired = mintRetired(rng, company, mint)
  const keys = [...[...serviceKeys.values()].flat(), ...pats.values(), teamKey, ...retired]
  const unknownKeys = ['legacy-gw-key', 'temp-debug', 'vendor-demo'].map((name) => ({ sha256: sha256Hex(`shadow_${rng.base62(32)}`), name }))
  return { keys, serviceKeys, pats, sharedKeys: [serviceKeys.get('analytics-shared')![0], teamKey], rotatedKeys, unknownKeys }
}

type Mint = (name: string, type: KeyType, owner: Person | null, service: KeyService | null, createdAt: number, expiresAt: number | null, revokedAt?: number | null) => InventoryKey

/** PATs: every departing person who lingers holds one, plus a share of active users. */
function mintPats(rng: Random, company: Company, mint: Mint): Map<number, InventoryKey> {
  const pats = new Map<number, InventoryKey>()
  const departed = company.people.filter((p) => p.departure)
  const lingering = departed.filter((p, i) => p.departure!.revokedAt === null || p.departure!.revokedAt - p.departure!.at > 3600_000 || i % 4 === 0)
  for (const p of lingering) {
    const createdAt = PERIOD_END - rng.between(120, 300) * DAY
    pats.set(p.index, mint(patName(p), 'pat', p, null, createdAt, rng.chance(0.6) ? null : PERIOD_END + 200 * DAY, p.departure!.revokedAt))
  }
  const users = rng.shuffle(company.people.filter((p) => p.activity > 0 && !p.departure)).slice(0, 30 - pats.size)
  for (const p of users) {
    const createdAt = PERIOD_END - rng.between(20, 500) * DAY
    const expiresAt = rng.chance(0.4) ? null : createdAt + rng.pick([90, 180, 365]) * DAY
    pats.set(p.index, mint(patName(p), 'pat', p, null, createdAt, expiresAt))
  }
  return pats
}

/** Keys revoked or expired before the period: present in the export, never used. */
function mintRetired(rng: Random, company: Company, mint: Mint): InventoryKey[] {
  const retired: InventoryKey[] = []
  for (let i = 0; i < 8; i++) {
    const owner = rng.pick(company.people)
    const createdAt = PERIOD_START - rng.between(200, 600) * DAY
    const revoked = i < 5
    retired.push(mint(`${patName(owner)}-old`, i % 3 === 0 ? 'api_key' : 'pat', owner, null, createdAt, revoked ? null : createdAt + 90 * DAY, revoked ? createdAt + rng.between(30, 150) * DAY : null))
  }
  return retired
}

function patName(p: Person): string {
  return `pat-${p.email.split('@')[0]}`
}

export function inventoryLine(key: InventoryKey): string {
  const at = (t: number | null) => (t === null ? null : iso(t))
  return JSON.stringify({
    sha256: key.sha256, name: key.name, type: key.type, owner: key.owner?.email ?? null, service_account: key.service?.name ?? null,
    created_at: iso(key.createdAt), expires_at: at(key.expiresAt), revoked_at: at(key.revokedAt),
  })
}

/** Inventory findings: live keys that never expire, and live keys older than 90 days at the period's end. */
export function inventoryFindings(inventory: Inventory): { neverExpiringKeys: number; keysOlderThan90Days: number } {
  const live = inventory.keys.filter((k) => k.revokedAt === null || k.revokedAt > PERIOD_END)
  return {
    neverExpiringKeys: live.filter((k) => k.expiresAt === null).length,
    keysOlderThan90Days: live.filter((k) => k.createdAt < PERIOD_END - 90 * DAY && (k.expiresAt === null || k.expiresAt > PERIOD_END)).length,
  }
}
