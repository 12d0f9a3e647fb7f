/**
 * ~15 people leave during the period. Okta revokes their tokens minutes later for most,
 * hours or days later for a few, and never for a couple: the revocation-latency story.
 */
import { DAY, HOUR, MINUTE, PERIOD_END, dayStart } from './clock'
import type { Company, Person } from './company'
import type { Random } from './random'

export const DEPARTURES = 15
const DELAYS = ['minutes', 'minutes', 'minutes', 'minutes', 'minutes', 'minutes', 'minutes', 'minutes', 'minutes', 'hours', 'hours', 'days', 'days', 'never', 'never'] as const
type DelayKind = (typeof DELAYS)[number]

export function planDepartures(rng: Random, company: Company): Person[] {
  const candidates = rng.shuffle(company.people.filter((p) => p.activity >= 1 && !p.admin)).slice(0, DEPARTURES)
  const delays = rng.shuffle([...DELAYS])
  candidates.forEach((person, i) => {
    const at = dayStart(Math.floor(6 + i * 5.4 + rng.between(0, 2))) + rng.between(14 * HOUR, 22 * HOUR)
    const delay = revocationDelay(rng, delays[i])
    person.departure = {
      at: Math.floor(at),
      kind: i % 5 === 2 ? 'suspend' : 'deactivate',
      revokedAt: delay === null ? null : Math.floor(Math.min(at + delay, PERIOD_END - 2 * HOUR)),
      viaHrSync: i % 3 !== 0,
    }
  })
  return candidates.sort((a, b) => a.departure!.at - b.departure!.at)
}

function revocationDelay(rng: Random, kind: DelayKind): number | null {
  if (kind === 'minutes') return rng.between(1 * MINUTE, 25 * MINUTE)
  if (kind === 'hours') return rng.between(2 * HOUR, 10 * HOUR)
  if (kind === 'days') return rng.between(1.5 * DAY, 6 * DAY)
  return null
}

/** Departures whose tokens Okta revoked later than the SLA, or never. */
export function revocationSummary(departed: Person[], slaMs: number): { late: number; never: number } {
  let late = 0
  let never = 0
  for (const p of departed) {
    const d = p.departure!
    if (d.revokedAt === null) never++
    else if (d.revokedAt - d.at > slaMs) late++
  }
  return { late, never }
}
