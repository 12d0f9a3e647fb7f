import fs from 'node:fs'
import path from 'node:path'

export type FixtureLine = { line: number; raw: string; record: unknown; json: boolean }

/** The lines of an NDJSON fixture under test/fixtures, 1-based, each parsed where it is JSON. */
export function fixtureLines(name: string): FixtureLine[] {
  const text = fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', name), 'utf8')
  return text
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ raw, line }) => {
      try {
        return { line, raw, record: JSON.parse(raw) as unknown, json: true }
      } catch {
        return { line, raw, record: undefined, json: false }
      }
    })
}

export function fixtureLine(name: string, line: number): FixtureLine {
  const found = fixtureLines(name).find((l) => l.line === line)
  if (!found) throw new Error(`${name} has no line ${line}`)
  return found
}
