import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { cliActor } from '@/lib/auth/actor'
import type { ThresholdVersion } from '@/lib/thresholds/in-force'
import { changeThresholds, ThresholdChangeRefused, thresholdSettings } from '@/lib/thresholds/change'
import { UsageError } from './usage'

/**
 * `custody thresholds show [--json]` and `thresholds set <file.json> --reason <text> [--json]`:
 * what /thresholds shows and does, with the same validation. The file holds the settings
 * document `show` prints under `thresholds`, or any part of it.
 */
export async function thresholdsCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv
  const args = parsed(rest)
  if (verb === 'show') return print(args.json, await thresholdSettings(cliActor))
  if (verb === 'set') {
    if (args.positionals.length !== 1) throw new UsageError('thresholds set needs one settings file: thresholds set <file.json> --reason <text>')
    if (args.reason === undefined) throw new UsageError('thresholds set needs --reason <text>: every change says why')
    const file = args.positionals[0]
    try {
      return print(args.json, await changeThresholds(cliActor, { settings: readSettingsFile(file), reason: args.reason }))
    } catch (err) {
      if (!(err instanceof ThresholdChangeRefused)) throw err
      process.stderr.write(`custody: ${file}: ${err.message}\n`)
      return 1
    }
  }
  throw new UsageError(verb ? `unknown thresholds command: ${verb}` : 'thresholds needs a command: show or set')
}

function readSettingsFile(file: string): unknown {
  let text: string
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ThresholdChangeRefused(`not JSON: ${(err as Error).message}`)
  }
}

/** `thresholds show --json`: the version in force, who changed it, when and why, and the settings. */
export function versionJson(v: ThresholdVersion) {
  return { version: v.version, changed_at: v.changedAt?.toISOString() ?? null, changed_by: v.changedBy, reason: v.reason, thresholds: v.settings }
}

function print(json: boolean, v: ThresholdVersion): number {
  const shown = versionJson(v)
  process.stdout.write(json ? JSON.stringify(shown) + '\n' : `thresholds version ${v.version}${v.changedBy ? ` (${shown.changed_at} by ${v.changedBy}: ${v.reason})` : ' (the defaults)'}\n${JSON.stringify(v.settings, null, 2)}\n`)
  return 0
}

function parsed(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { reason: { type: 'string' }, json: { type: 'boolean', default: false } } })
    return { positionals, reason: values.reason, json: values.json === true }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}
