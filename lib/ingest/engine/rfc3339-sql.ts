/**
 * rfc3339ToIso (lib/sources/record-time.ts) in the engine, over SQL expressions (code,
 * never values), in two steps so the query stays cheap to plan: the pieces of the text
 * (an empty array unless it has the shape JS reads, with `T` or a space, and `Z` or an
 * offset), then its epoch milliseconds, or NULL where the JS function gives null. The
 * engine's own parser reads a text whose pieces are checked here; years outside 1900 ..
 * 2299 are NULL even when an offset would bring the time in range (the record then takes
 * the JS parser, which decides).
 */

/** [year, month, day, hour, minute, second, offset hours, offset minutes] */
export function rfc3339Pieces(text: string): string {
  return `extractGroups(${text}, '^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.][0-9]+)?(?:Z|[+-]([0-9]{2}):([0-9]{2}))$')`
}

export function rfc3339PiecesMillis(pieces: string, text: string): string {
  const n = (i: number) => `toInt64OrZero(${pieces}[${i}])`
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 7, 8].map(n)
  const valid = `notEmpty(${pieces}) AND ${calendarTimeValid({ year, month, day, hour, minute, second })}
    AND ${offsetHours} <= 23 AND ${offsetMinutes} <= 59`
  // extra fraction digits are cut, not rounded, as in JS
  return `if(${valid}, toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull(${text}, 3, 'UTC')), NULL)`
}

/**
 * Whether integer expressions name a day that exists in 1900 .. 2299 and a clock time
 * (what rfc3339ToIso checks). The gateway fast path reads its pieces by position and shares this.
 */
export function calendarTimeValid(t: { year: string; month: string; day: string; hour: string; minute: string; second: string }): string {
  const { year, month, day, hour, minute, second } = t
  return `${year} BETWEEN 1900 AND 2299 AND ${month} BETWEEN 1 AND 12
    AND ${day} BETWEEN 1 AND arrayElement([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], ${month})
      + (${month} = 2 AND ${year} % 4 = 0 AND (${year} % 100 != 0 OR ${year} % 400 = 0))
    AND ${hour} <= 23 AND ${minute} <= 59 AND ${second} <= 59`
}
