/**
 * The size of the report benchmark's generated company, scaled from the number of agent
 * actions (BENCH_REPORT_ACTIONS, default 10M). Every session holds 32 agent actions after
 * its `initialize`; people, clients and keys grow with the traffic so a person's share of
 * it stays about the same at any scale.
 */
export type BenchShape = {
  actions: number
  sessions: number
  persons: number
  agentApps: number
  serviceClients: number
  inventoryKeys: number
  deniedRequests: number
  offGatewayGrants: number
  /** the reports' period, [from, to); generated_at is `to` */
  from: Date
  to: Date
}

export const ACTIONS_PER_SESSION = 32

export function benchShape(requestedActions: number): BenchShape {
  const sessions = Math.max(10, Math.ceil(requestedActions / ACTIONS_PER_SESSION))
  const actions = sessions * ACTIONS_PER_SESSION
  return {
    actions,
    sessions,
    persons: Math.max(40, Math.round(actions / 2000)),
    agentApps: 12,
    serviceClients: Math.max(4, Math.round(actions / 50_000)),
    inventoryKeys: Math.max(4, Math.round(actions / 100_000)),
    deniedRequests: Math.max(10, Math.round(actions / 100)),
    offGatewayGrants: Math.max(10, Math.round(actions / 1000)),
    from: new Date('2026-10-01T00:00:00.000Z'),
    to: new Date('2026-10-31T00:00:00.000Z'),
  }
}

/** The agent actions a benchmark asks for: its variable (BENCH_REPORT_ACTIONS unless named), default 10M. */
export function requestedActions(env: NodeJS.ProcessEnv = process.env, variable = 'BENCH_REPORT_ACTIONS'): number {
  const raw = env[variable]?.replaceAll('_', '')
  const n = raw ? Number(raw) : 10_000_000
  if (!Number.isInteger(n) || n < 1000) throw new Error(`${variable} must be an integer ≥ 1000, got ${raw}`)
  return n
}
