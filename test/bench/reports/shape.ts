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

/** `days`: the period's length (30, or 90 for the quarter row: BENCH_REPORT_DAYS). */
export function benchShape(requestedActions: number, days = requestedDays()): BenchShape {
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
    to: new Date(Date.parse('2026-10-01T00:00:00.000Z') + days * 86_400_000),
  }
}

/** The agent actions a benchmark asks for: its variable (BENCH_REPORT_ACTIONS unless named), default 10M. */
export function requestedActions(env: NodeJS.ProcessEnv = process.env, variable = 'BENCH_REPORT_ACTIONS'): number {
  const raw = env[variable]?.replaceAll('_', '')
  const n = raw ? Number(raw) : 10_000_000
  if (!Number.isInteger(n) || n < 1000) throw new Error(`${variable} must be an integer ≥ 1000, got ${raw}`)
  return n
}

export function requestedDays(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.BENCH_REPORT_DAYS ?? 30)
  if (!Number.isInteger(n) || n < 1 || n > 365) throw new Error(`BENCH_REPORT_DAYS must be an integer from 1 to 365, got ${env.BENCH_REPORT_DAYS}`)
  return n
}

/** The quarter row's actions (BENCH_REPORT_QUARTER_ACTIONS, default 3× BENCH_REPORT_ACTIONS; 0 skips it). */
export function requestedQuarterActions(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_REPORT_QUARTER_ACTIONS?.replaceAll('_', '')
  const n = raw ? Number(raw) : 3 * requestedActions(env)
  if (!Number.isInteger(n) || (n !== 0 && n < 1000)) throw new Error(`BENCH_REPORT_QUARTER_ACTIONS must be 0 or an integer ≥ 1000, got ${raw}`)
  return n
}
