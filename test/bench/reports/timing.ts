/** A report's answer and its wall time: the median of the timed runs after one warm-up run. */
export type Timed<T> = { seconds: number; runs: number[]; answer: T }

/**
 * Runs `run` once to warm caches (that answer is the one kept), then `timedRuns` more times.
 * A warm-up slower than `slowSeconds` is followed by a single timed run, so a slow engine
 * does not take four times its report time.
 */
export async function medianOfRuns<T>(run: () => Promise<T>, opts: { timedRuns?: number; slowSeconds?: number } = {}): Promise<Timed<T>> {
  const warm = await timedOnce(run)
  const count = warm.seconds > (opts.slowSeconds ?? Infinity) ? 1 : (opts.timedRuns ?? 3)
  const runs: number[] = []
  for (let i = 0; i < count; i++) runs.push((await timedOnce(run)).seconds)
  return { seconds: median(runs), runs, answer: warm.answer }
}

export async function timedOnce<T>(run: () => Promise<T>): Promise<{ seconds: number; answer: T }> {
  const started = process.hrtime.bigint()
  const answer = await run()
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, answer }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
