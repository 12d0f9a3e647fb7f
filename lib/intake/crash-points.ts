/**
 * Where the durability test (test/intake/durability.test.ts) kills the intake with SIGKILL, named
 * by CUSTODY_TEST_CRASH_AT. Unset (always, outside that test) every point is a no-op.
 */
export const CRASH_POINTS = ['after-body', 'after-parse', 'mid-insert', 'before-answer'] as const
export type CrashPoint = (typeof CRASH_POINTS)[number]

export function crashPoint(point: CrashPoint): void {
  if (process.env.CUSTODY_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL')
}

/** The pipeline's store hooks as crash points: before the first batch, and after it (others follow). */
export function storeCrashPoints(): (phase: 'before' | 'after') => void {
  let stored = 0
  return (phase) => {
    if (phase === 'before' && stored === 0) crashPoint('after-parse')
    if (phase === 'after' && ++stored === 1) crashPoint('mid-insert')
  }
}
