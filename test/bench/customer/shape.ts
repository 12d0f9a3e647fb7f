/** BENCH_CUSTOMER_ACTIONS: agent actions in the customer benchmark's 30 days (default 10M; validate at 200k–1M). */
export function customerActions(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.BENCH_CUSTOMER_ACTIONS?.replaceAll('_', '')
  const n = raw ? Number(raw) : 10_000_000
  if (!Number.isInteger(n) || n < 1000) throw new Error(`BENCH_CUSTOMER_ACTIONS must be an integer ≥ 1000, got ${raw}`)
  return n
}
