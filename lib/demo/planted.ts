/**
 * The findings the demo plants among the ordinary traffic. Session counts follow
 * `scale` but never drop below a few, so every finding exists at any scale.
 */
import { DAY, HOUR, MINUTE, PERIOD_DAYS, PERIOD_END, dayStart, dayWeight } from './clock'
import { MCP_SERVERS, server } from './catalog'
import { oktaId, serverWeights, type Company, type Person } from './company'
import type { Inventory } from './inventory'
import type { Random } from './random'
import { EDGE_GATEWAY, PROD_GATEWAY, type Gateway, type SessionPlan } from './session'
import { agentClient, port, sessionCalls, workingTime } from './background'

export type Planted = { sessions: SessionPlan[]; forgedTokenIds: string[]; explicitRevocations: number }

const STAGING_ISSUER = 'https://acme-staging.okta.com/oauth2/default'

export function planPlanted(rng: Random, company: Company, inventory: Inventory, departed: Person[], scale: number): Planted {
  const scaled = (base: number, min: number) => Math.max(min, Math.round(base * scale))
  const steady = company.people.filter((p) => p.activity > 0 && !p.departure)
  const explicitRevocations = scaled(12, 2)
  const forged = forgedTokens(rng, steady, scaled(100, 2))
  const sessions = [
    ...departures(rng, inventory, departed, scaled),
    ...revokedMidSession(rng, company, steady, explicitRevocations),
    ...expiredTokens(rng, steady, scaled(150, 2)),
    ...sharedKeys(rng, inventory, steady, scaled(500, 8)),
    ...anonymous(rng, company, scaled(500, 3)),
    ...unknownKeys(rng, inventory, scaled(150, 2)),
    ...forged.sessions,
    ...unmappedSubjects(rng, company, scaled(200, 2)),
    ...rotatedKeys(rng, inventory, scaled),
  ]
  return { sessions, forgedTokenIds: forged.ids, explicitRevocations }
}

/** A working day in the period, weekdays likelier; never the first or last day. */
function someDay(rng: Random): number {
  const days = Array.from({ length: PERIOD_DAYS - 2 }, (_, d) => d + 1)
  return rng.weighted(days, days.map(dayWeight))
}

function anyTime(rng: Random): number {
  return Math.floor(dayStart(someDay(rng)) + rng.between(0, DAY))
}

const either = (rng: Random): Gateway => (rng.chance(0.7) ? PROD_GATEWAY : EDGE_GATEWAY)
const outside = (rng: Random) => `198.18.${rng.int(256)}.${1 + rng.int(254)}:${port(rng)}`

function personSession(rng: Random, person: Person, start: number, gateway: Gateway): Omit<SessionPlan, 'presenter'> {
  return {
    start, gateway, server: rng.weighted(MCP_SERVERS, serverWeights(person)), client: agentClient(rng, person.agents[0], start),
    srcAddr: `${person.ip}:${port(rng)}`, calls: sessionCalls(rng), gapMs: rng.logNormal(4000, 0.4), maxDurationMs: 50 * MINUTE,
  }
}

/**
 * Each leaver's agent is mid-session when the trigger lands and keeps going on the
 * token it holds; leavers whose PAT outlives them keep a scheduled agent running on it.
 */
function departures(rng: Random, inventory: Inventory, departed: Person[], scaled: (b: number, m: number) => number): SessionPlan[] {
  const sessions: SessionPlan[] = []
  departed.forEach((person, i) => {
    const d = person.departure!
    const agent = person.agents[0]
    const start = Math.floor(d.at - rng.between(5 * MINUTE, 20 * MINUTE))
    sessions.push({
      ...personSession(rng, person, start, i % 2 === 0 ? PROD_GATEWAY : EDGE_GATEWAY), calls: 500, gapMs: 60_000,
      presenter: { kind: 'person', person, agent, claims: 'jti', token: 'fresh' },
    })
    const pat = inventory.pats.get(person.index)
    if (!pat || (pat.revokedAt !== null && pat.revokedAt - d.at <= HOUR)) return
    const first = d.at + rng.between(30 * MINUTE, 90 * MINUTE)
    const last = pat.revokedAt === null ? PERIOD_END - 2 * HOUR : Math.min(pat.revokedAt + 2 * DAY, PERIOD_END - HOUR)
    const n = scaled(((last - first) / DAY) * 2, 3)
    for (let k = 0; k < n; k++) {
      const at = Math.floor(first + ((last - first) * k) / (n - 1))
      sessions.push({
        ...personSession(rng, person, at, PROD_GATEWAY), srcAddr: `10.40.${i}.10:${port(rng)}`, calls: 6 + rng.int(10), gapMs: 3000,
        presenter: { kind: 'key', key: pat },
      })
    }
  })
  return sessions
}

/** A token revoked in Okta minutes into the session (leaked, or logged out elsewhere). */
function revokedMidSession(rng: Random, company: Company, steady: Person[], n: number): SessionPlan[] {
  return Array.from({ length: n }, (_, i) => {
    const person = rng.pick(steady)
    const start = workingTime(rng, person, someDay(rng))
    return {
      ...personSession(rng, person, start, i % 2 === 0 ? EDGE_GATEWAY : PROD_GATEWAY), calls: 300, gapMs: 45_000, maxDurationMs: 35 * MINUTE,
      presenter: { kind: 'person', person, agent: person.agents[0], claims: 'jti', token: 'fresh', revokeAfterMs: rng.between(4 * MINUTE, 15 * MINUTE), revokedBy: rng.chance(0.5) ? person : company.admins[0] },
    }
  })
}

/** An agent back from sleep presents a token that expired an hour or more ago; the edge gateway lets it through. */
function expiredTokens(rng: Random, steady: Person[], n: number): SessionPlan[] {
  return Array.from({ length: n }, () => {
    const person = rng.pick(steady)
    const start = workingTime(rng, person, someDay(rng))
    return { ...personSession(rng, person, start, EDGE_GATEWAY), presenter: { kind: 'person', person, agent: person.agents[0], claims: 'jti', token: 'stale' } }
  })
}

/** Two keys passed around: a service account's and a team lead's. */
function sharedKeys(rng: Random, inventory: Inventory, steady: Person[], n: number): SessionPlan[] {
  const [analyticsKey, teamKey] = inventory.sharedKeys
  const analysts = rng.shuffle(steady.filter((p) => ['finance', 'marketing', 'engineering'].includes(p.department) && p !== teamKey.owner)).slice(0, 6)
  const team = [teamKey.owner!, ...rng.shuffle(steady.filter((p) => p.department === 'engineering' && p !== teamKey.owner && !analysts.includes(p))).slice(0, 3)]
  return Array.from({ length: n }, (_, k) => {
    const group = k % 2 === 0 ? analysts : team
    const person = group[Math.floor(k / 2) % group.length]
    const start = workingTime(rng, person, someDay(rng))
    const target = k % 2 === 0 ? server('postgres-analytics') : server(rng.pick(['github', 'jira', 'postgres-analytics']))
    return { ...personSession(rng, person, start, either(rng)), server: target, presenter: { kind: 'key', key: k % 2 === 0 ? analyticsKey : teamKey }, finding: 'sharedKeyActions' }
  })
}

function anonymous(rng: Random, company: Company, n: number): SessionPlan[] {
  return Array.from({ length: n }, () => {
    const start = anyTime(rng)
    const client = rng.chance(0.4) ? null : rng.chance(0.5) ? { name: 'mcp-inspector', version: '0.17.2', stringIds: false, protocol: '2025-06-18' } : agentClient(rng, rng.pick(company.agents), start)
    return {
      start, gateway: rng.chance(0.6) ? EDGE_GATEWAY : PROD_GATEWAY, server: server(rng.weighted(['search', 'customer-support', 'gdrive'], [5, 3, 1])),
      client, srcAddr: outside(rng), calls: sessionCalls(rng), gapMs: rng.logNormal(2500, 0.5), maxDurationMs: 50 * MINUTE,
      presenter: { kind: 'anonymous' }, finding: 'anonymousActions',
    }
  })
}

/** Keys configured straight into a gateway, missing from the inventory export. */
function unknownKeys(rng: Random, inventory: Inventory, n: number): SessionPlan[] {
  return Array.from({ length: n }, (_, i) => {
    const key = inventory.unknownKeys[i % inventory.unknownKeys.length]
    return {
      start: anyTime(rng), gateway: either(rng), server: rng.pick(MCP_SERVERS), client: { name: 'mcp-python-sdk', version: '1.9.4', stringIds: false, protocol: '2025-06-18' },
      srcAddr: `10.30.${i % 4}.${20 + (i % 7)}:${port(rng)}`, calls: sessionCalls(rng), gapMs: rng.logNormal(900, 0.5), maxDurationMs: 50 * MINUTE,
      presenter: { kind: 'unknown-key', ...key }, finding: 'unknownApiKeyActions',
    }
  })
}

/** Tokens from the staging Okta org: ids no production grant ever issued. */
function forgedTokens(rng: Random, steady: Person[], n: number): { sessions: SessionPlan[]; ids: string[] } {
  const ids: string[] = []
  const sessions = Array.from({ length: n }, (): SessionPlan => {
    const person = rng.pick(steady)
    const jti = `AT.${rng.base64url(22)}`
    ids.push(jti)
    return {
      ...personSession(rng, person, workingTime(rng, person, someDay(rng)), either(rng)),
      presenter: { kind: 'forged-token', jti, sub: oktaId(rng, '00u'), clientId: person.agents[0].clientId, issuer: STAGING_ISSUER }, finding: 'unknownTokenActions',
    }
  })
  return { sessions, ids }
}

/** Contractors from a partner org: subjects and e-mails no identity source knows. */
function unmappedSubjects(rng: Random, company: Company, n: number): SessionPlan[] {
  const contractors = ['ola.nordmann', 'jan.kowalski', 'erika.mustermann', 'juan.perez', 'mario.rossi'].map((name, i) => ({ sub: oktaId(rng, '00u'), user: i % 2 === 0 ? `${name}@partner.example` : null }))
  return Array.from({ length: n }, (_, i) => {
    const contractor = contractors[i % contractors.length]
    const agent = rng.pick(company.agents)
    const start = anyTime(rng)
    return {
      start, gateway: either(rng), server: server(rng.pick(['github', 'jira', 'crm', 'gdrive'])), client: agentClient(rng, agent, start),
      srcAddr: outside(rng), calls: sessionCalls(rng), gapMs: rng.logNormal(4000, 0.4), maxDurationMs: 50 * MINUTE,
      presenter: { kind: 'unmapped-subject', ...contractor, clientId: agent.clientId }, finding: 'unmappedSubjectActions',
    }
  })
}

/** A rotated service key that a forgotten cron host keeps presenting: accepted at the edge, refused in prod. */
function rotatedKeys(rng: Random, inventory: Inventory, scaled: (b: number, m: number) => number): SessionPlan[] {
  return inventory.rotatedKeys.flatMap((key, i) => {
    const svc = key.service!
    const first = key.revokedAt! + 30 * MINUTE
    const last = Math.min(key.revokedAt! + 10 * DAY, PERIOD_END - HOUR)
    const n = scaled(60, 2)
    return Array.from({ length: n }, (_, k): SessionPlan => ({
      start: Math.floor(first + ((last - first) * k) / (n - 1)), gateway: i === 0 ? EDGE_GATEWAY : PROD_GATEWAY, server: rng.pick(svc.servers),
      client: { name: svc.clientName, version: svc.version, stringIds: false, protocol: '2025-06-18' }, srcAddr: `10.20.9.${10 + i}:${port(rng)}`,
      calls: sessionCalls(rng), gapMs: rng.logNormal(700, 0.5), maxDurationMs: 50 * MINUTE, presenter: { kind: 'key', key },
    }))
  })
}
