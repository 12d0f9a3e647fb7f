/** A goal of an issue beside a measured figure: its wording and whether a value meets it. */
export type Goal = { text: string; met: (value: number) => boolean }

/** `≤ 1 s: met` / `≤ 1 s: **missed**` — a miss stands out, and BENCHMARKS.md's notes say why. */
export function goalCell(goal: Goal, value: number): string {
  return goal.met(value) ? `${goal.text}: met` : `${goal.text}: **missed**`
}

export const secs = (s: number) => (s < 10 ? s.toFixed(2) : s.toFixed(1))
export const mb = (bytes: number) => Math.round(bytes / 2 ** 20).toLocaleString('en-US')
