/**
 * The company's ordinary agent traffic: people's agents on their working hours,
 * service accounts around the clock. Nothing here is a finding.
 */
import { DAY, HOUR, MINUTE, PERIOD_DAYS, dayStart, dayWeight } from './clock'
import { MCP_SERVERS, type AgentRelease } from './catalog'
import { serverWeights, type Agent, type Company, type Person } from './company'
import { isKeyLive, type Inventory } from './inventory'
import type { Random } from './random'
import { EDGE_GATEWAY, PROD_GATEWAY, type McpClient, type Presenter, type SessionPlan } from './session'

/** Sessions at scale 1; with the planted ones they make ~1,000,000 gateway lines. */
export const BASE_SESSIONS = 48_500
const KINDS = ['jti', 'subject', 'inherit', 'pat', 'client', 'key'] as const
const KIND_SHARES = [53, 7, 7, 6, 14, 13]

export function planBackground(rng: Random, company: Company, inventory: Inventory, scale: number): SessionPlan[] {
  const days = Array.from({ length: PERIOD_DAYS }, (_, d) => d)
  const weights = days.map(dayWeight)
  const choosePerson = weightedChooser(company.people.map((p) => p.activity))
  const plans: SessionPlan[] = []
  const count = Math.max(20, Math.round(BASE_SESSIONS * scale))
  for (let i = 0; i < count; i++) {
    const day = rng.weighted(days, weights)
    const kind = rng.weighted(KINDS, KIND_SHARES)
    const plan = kind === 'client' || kind === 'key' ? serviceSession(rng, company, inventory, day, kind) : personSession(rng, company, inventory, choosePerson, day, kind)
    if (plan) plans.push(plan)
  }
  return plans
}

function personSession(rng: Random, company: Company, inventory: Inventory, choose: (r: number) => number, day: number, kind: 'jti' | 'subject' | 'inherit' | 'pat'): SessionPlan | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const person = company.people[choose(rng.next())]
    const start = workingTime(rng, person, day)
    if (person.departure && start > person.departure.at - 2 * HOUR) continue
    const agent = person.agents.length > 1 && rng.chance(0.3) ? person.agents[1] : person.agents[0]
    const pat = inventory.pats.get(person.index)
    const presenter: Presenter = kind === 'pat' && pat && isKeyLive(pat, start) && isKeyLive(pat, start + HOUR)
      ? { kind: 'key', key: pat }
      : { kind: 'person', person, agent, claims: kind === 'pat' ? 'jti' : kind, token: 'current' }
    const server = rng.weighted(MCP_SERVERS, serverWeights(person))
    return {
      start, gateway: rng.chance(0.7) ? PROD_GATEWAY : EDGE_GATEWAY, server, client: agentClient(rng, agent, start),
      srcAddr: `${person.ip}:${port(rng)}`, calls: sessionCalls(rng), gapMs: rng.logNormal(4000, 0.4), maxDurationMs: 50 * MINUTE,
      presenter, refusesSome: server.name === 'hr-records' && person.department !== 'people',
    }
  }
  return null
}

function serviceSession(rng: Random, company: Company, inventory: Inventory, day: number, kind: 'client' | 'key'): SessionPlan | null {
  const start = dayStart(day) + rng.between(0, DAY - 1)
  const common = { start, gateway: rng.chance(0.7) ? PROD_GATEWAY : EDGE_GATEWAY, calls: sessionCalls(rng), gapMs: rng.logNormal(700, 0.5), maxDurationMs: 50 * MINUTE }
  if (kind === 'client') {
    const client = rng.pick(company.serviceClients)
    return {
      ...common, server: rng.pick(client.servers), client: { name: client.name, version: client.version, stringIds: false, protocol: '2025-06-18' },
      srcAddr: `${client.ip}:${port(rng)}`, presenter: { kind: 'client', client },
    }
  }
  const svc = rng.pick(company.keyServices)
  const key = inventory.serviceKeys.get(svc.name)!.filter((k) => isKeyLive(k, start) && isKeyLive(k, start + HOUR)).at(-1)
  if (!key) return null
  return {
    ...common, server: rng.pick(svc.servers), client: { name: svc.clientName, version: svc.version, stringIds: false, protocol: '2025-06-18' },
    srcAddr: `${svc.ip}:${port(rng)}`, presenter: { kind: 'key', key },
  }
}

/** A person's working hours in their city, as UTC. */
export function workingTime(rng: Random, person: Person, day: number): number {
  const localHour = Math.min(23, Math.max(7, 13.5 + 2.8 * (rng.next() + rng.next() + rng.next() - 1.5) * 1.4))
  return Math.floor(dayStart(day) + (localHour - person.city.utcOffset) * HOUR + rng.between(0, MINUTE))
}

/** Most people run the agent's latest release; a quarter lag one behind. */
export function agentClient(rng: Random, agent: Agent, t: number): McpClient {
  const out: AgentRelease[] = agent.releases.filter((r) => r.from <= t)
  const release = out.length > 1 && rng.chance(0.25) ? out[out.length - 2] : out[out.length - 1]
  return { name: agent.name, version: release.version, stringIds: agent.stringIds, protocol: agent.protocol }
}

export function sessionCalls(rng: Random): number {
  return Math.min(200, 1 + Math.floor(rng.logNormal(11, 0.9)))
}

export function port(rng: Random): number {
  return 49152 + rng.int(16384)
}

/** Picks an index with probability proportional to its weight, from one uniform draw. */
function weightedChooser(weights: number[]): (r: number) => number {
  const cumulative: number[] = []
  let total = 0
  for (const w of weights) cumulative.push((total += w))
  return (r) => {
    const target = r * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid] > target) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
