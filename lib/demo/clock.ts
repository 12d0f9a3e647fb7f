/** The demo company's fixed period: the 90 days ending 2026-11-25T00:00:00Z (UTC). */
export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

export const PERIOD_END = Date.UTC(2026, 10, 25)
export const PERIOD_DAYS = 90
export const PERIOD_START = PERIOD_END - PERIOD_DAYS * DAY

export function dayStart(day: number): number {
  return PERIOD_START + day * DAY
}

export function dayOf(t: number): number {
  return Math.floor((t - PERIOD_START) / DAY)
}

export function iso(t: number): string {
  return new Date(t).toISOString()
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'))
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'))
let cachedDay = NaN
let cachedDayPrefix = ''

/** `iso` for a million gateway lines: the date part is formatted once per day. */
export function isoFast(t: number): string {
  const day = Math.floor(t / DAY)
  if (day !== cachedDay) {
    cachedDay = day
    cachedDayPrefix = new Date(day * DAY).toISOString().slice(0, 11)
  }
  let rest = t - day * DAY
  const ms = rest % 1000
  rest = (rest - ms) / 1000
  const s = rest % 60
  rest = (rest - s) / 60
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(rest / 60)]}:${TWO_DIGITS[rest % 60]}:${TWO_DIGITS[s]}.${THREE_DIGITS[ms]}Z`
}

/** Token lifetimes are whole seconds (the JWT `exp` the gateway logs). */
export function wholeSecond(t: number): number {
  return Math.floor(t / SECOND) * SECOND
}

/** How busy a day is: weekends and US Labor Day (2026-09-07) are quiet. */
export function dayWeight(day: number): number {
  const start = dayStart(day)
  if (start === Date.UTC(2026, 8, 7)) return 0.3
  const weekday = new Date(start).getUTCDay()
  return weekday === 0 || weekday === 6 ? 0.18 : 1
}
