/** The demo company: people, the agents they authorize, and its service accounts. */
import {
  AGENTS, CITIES, DEPARTMENTS, DEPARTMENT_SHARES, FIRST_NAMES, KEY_SERVICES, LAST_NAMES, MCP_SERVERS, OAUTH_SERVICES,
  server, type AgentSpec, type City, type Department, type McpServer,
} from './catalog'
import type { Random } from './random'

export const PEOPLE = 250
export const ISSUER_HOST = 'https://acme.okta.com'

export type Agent = AgentSpec & { clientId: string }

export type Departure = {
  at: number
  kind: 'deactivate' | 'suspend'
  /** when Okta revoked the person's tokens (app.oauth2.token.revoke.implicit.user); null = never */
  revokedAt: number | null
  /** deactivated by the HR system through an Okta API token, else by an admin in the console */
  viaHrSync: boolean
}

export type Person = {
  index: number
  id: string
  email: string
  displayName: string
  department: Department
  city: City
  ip: string
  /** relative weight of agent use; 0 = never uses agents */
  activity: number
  agents: Agent[]
  admin: boolean
  departure: Departure | null
}

export type ServiceClient = { name: string; displayName: string; clientId: string; version: string; servers: McpServer[]; ip: string }

export type KeyService = {
  name: string
  clientName: string
  version: string
  servers: McpServer[]
  owner: Person | null
  ip: string
  keyType: 'api_key' | 'service_token'
}

export type Company = {
  people: Person[]
  admins: Person[]
  agents: Agent[]
  serviceClients: ServiceClient[]
  keyServices: KeyService[]
  authServerId: string
  issuer: string
  hrSyncTokenId: string
  systemPrincipalId: string
}

export const oktaId = (rng: Random, prefix: string): string => prefix + rng.base62(17)

export function buildCompany(rng: Random): Company {
  const agents = AGENTS.map((spec) => ({ ...spec, clientId: oktaId(rng, '0oa') }))
  const people = buildPeople(rng, agents)
  const authServerId = oktaId(rng, 'aus')
  const serviceClients = OAUTH_SERVICES.map((s, i) => ({
    name: s.name, displayName: s.displayName, clientId: oktaId(rng, '0oa'), version: s.version,
    servers: s.servers.map(server), ip: `10.20.1.${20 + i}`,
  }))
  const owners = people.filter((p) => p.department === 'engineering' || p.department === 'it')
  const keyServices = KEY_SERVICES.map((s, i) => ({
    name: s.name, clientName: s.clientName, version: s.version, servers: s.servers.map(server),
    owner: s.ownerless ? null : rng.pick(owners), ip: `10.20.2.${20 + i}`, keyType: s.token ?? ('api_key' as const),
  }))
  return {
    people, admins: people.filter((p) => p.admin), agents, serviceClients, keyServices, authServerId,
    issuer: `${ISSUER_HOST}/oauth2/${authServerId}`, hrSyncTokenId: oktaId(rng, '00T'), systemPrincipalId: oktaId(rng, '00u'),
  }
}

function buildPeople(rng: Random, agents: Agent[]): Person[] {
  const names = rng.shuffle(FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => [first, last] as const))).slice(0, PEOPLE)
  const addresses = rng.shuffle(['192.0.2', '198.51.100', '203.0.113'].flatMap((net) => range(10, 250).map((host) => `${net}.${host}`)))
  const people = names.map(([first, last], index): Person => {
    const department = rng.weighted(DEPARTMENTS, DEPARTMENT_SHARES)
    const primary = rng.weighted(agents, agents.map((a) => a.share))
    const second = rng.chance(0.3) ? rng.pick(agents.filter((a) => a !== primary)) : null
    return {
      index, id: oktaId(rng, '00u'), email: `${first}.${last}@example.com`.toLowerCase(), displayName: `${first} ${last}`,
      department, city: rng.pick(CITIES), ip: addresses[index],
      activity: rng.chance(0.12) ? 0 : rng.logNormal(department === 'engineering' ? 3 : 1, 0.8),
      agents: second ? [primary, second] : [primary], admin: false, departure: null,
    }
  })
  for (const p of people.filter((p) => p.department === 'it').slice(0, 2)) p.admin = true
  return people
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** The servers a person reaches for, weighted by department. */
export function serverWeights(person: Person): number[] {
  const column = DEPARTMENTS.indexOf(person.department)
  return MCP_SERVERS.map((s) => s.use[column])
}
