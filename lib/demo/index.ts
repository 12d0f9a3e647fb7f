/**
 * The demo: a 250-person company's Okta System Log, MCP gateway log and key inventory
 * for the 90 days ending 2026-11-25, in the vendors' own formats, from a seed.
 * It only writes files; `custody demo` ingests them through the normal parsers.
 */
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { DAY, HOUR, PERIOD_END, PERIOD_START, dayStart, iso } from './clock'
import { buildCompany, oktaId, type Company } from './company'
import { planDepartures, revocationSummary } from './departures'
import type { DemoFindings } from './findings'
import { writeGatewayLog } from './gateway-file'
import { GatewayLines } from './gateway-lines'
import { buildInventory, inventoryFindings, inventoryLine } from './inventory'
import { writeLines } from './ndjson-writer'
import { personActor, systemActor } from './okta-events'
import { OktaLog } from './okta-log'
import { planBackground } from './background'
import { planPlanted } from './planted'
import { Random } from './random'
import { TokenBroker } from './tokens'

export type DemoSource = 'okta' | 'gateway' | 'keys'

export type DemoManifest = {
  seed: number
  scale: number
  period: { from: string; to: string }
  /** in the order to ingest them */
  files: { source: DemoSource; path: string; records: number }[]
  findings: DemoFindings
  /** bearer token ids the gateways saw that no Okta grant issued */
  forgedTokenIds: string[]
  /** API key hashes the gateways saw that the inventory does not list */
  unknownKeySha256: string[]
}

export async function writeDemoLogs(dir: string, opts: { seed?: number; scale?: number } = {}): Promise<DemoManifest> {
  const seed = opts.seed ?? 1
  const scale = opts.scale ?? 1
  if (!(scale > 0)) throw new Error('scale must be a positive number')
  await mkdir(dir, { recursive: true })
  const root = new Random(seed)
  const [peopleRng, keysRng, backgroundRng, plantedRng, oktaRng, linesRng] = Array.from({ length: 6 }, () => root.fork())

  const company = buildCompany(peopleRng)
  const departed = planDepartures(peopleRng, company)
  const inventory = buildInventory(keysRng, company)
  const okta = new OktaLog(oktaRng, company)
  const broker = new TokenBroker(oktaRng, okta)
  writeDirectoryHistory(oktaRng, company, okta, broker)

  const planted = planPlanted(plantedRng, company, inventory, departed, scale)
  const sessions = [...planBackground(backgroundRng, company, inventory, scale), ...planted.sessions].sort((a, b) => a.start - b.start)
  const lines = new GatewayLines(linesRng, company, broker, okta)
  const files = { keys: path.join(dir, 'keys.ndjson'), okta: path.join(dir, 'okta.ndjson'), gateway: path.join(dir, 'gateway.ndjson') }
  const gateway = await writeGatewayLog(files.gateway, sessions, lines)
  const oktaRecords = await writeLines(files.okta, okta.sortedLines())
  const keyRecords = await writeLines(files.keys, inventory.keys.map(inventoryLine))

  const { late, never } = revocationSummary(departed, HOUR)
  return {
    seed, scale, period: { from: iso(PERIOD_START), to: iso(PERIOD_END) },
    files: [
      { source: 'keys', path: files.keys, records: keyRecords },
      { source: 'okta', path: files.okta, records: oktaRecords },
      { source: 'gateway', path: files.gateway, records: gateway.records },
    ],
    findings: {
      ...lines.findings, ...inventoryFindings(inventory), sharedApiKeys: inventory.sharedKeys.length, departures: departed.length,
      revokedLate: late, neverRevoked: never, explicitRevocations: planted.explicitRevocations, duplicateLines: gateway.duplicates,
    },
    forgedTokenIds: planted.forgedTokenIds,
    unknownKeySha256: inventory.unknownKeys.map((k) => k.sha256),
  }
}

/** Okta events that don't come from agent sessions: everyone signs in the first week; leavers; SSWS tokens. */
function writeDirectoryHistory(rng: Random, company: Company, okta: OktaLog, broker: TokenBroker): void {
  for (const p of company.people) broker.signIn(p, dayStart(rng.int(5)) + rng.between(6 * HOUR, 20 * HOUR))
  for (const p of company.people) {
    if (!p.departure) continue
    okta.deprovision(p, p.departure.at)
    if (p.departure.revokedAt !== null) okta.revokeAllFor(p, p.departure.revokedAt)
  }
  const admin = personActor(company.admins[0])
  const terraform = oktaId(rng, '00T')
  okta.apiToken('create', terraform, 'terraform-okta', admin, dayStart(9) + 15 * HOUR)
  okta.apiToken('revoke', terraform, 'terraform-okta', admin, dayStart(63) + 17 * HOUR)
  okta.apiToken('create', oktaId(rng, '00T'), 'scim-bridge', admin, dayStart(41) + 16 * HOUR)
  okta.apiToken('revoke', oktaId(rng, '00T'), 'legacy-reporting', systemActor(company), dayStart(30) + 3 * HOUR + 0.5 * DAY)
}
