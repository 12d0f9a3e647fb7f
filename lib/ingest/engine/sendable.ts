import { mayHoldSecret } from '@/lib/sources/secrets'
import type { StagedLine } from './staging'

/**
 * Lines the engine never sees, so they are never staged: one that might hold a secret
 * (metrics.md, Secrets: only the JS parser scrubs), and a lone UTF-16 surrogate (it cannot
 * travel as UTF-8 unchanged).
 */
export function splitSendable(lines: StagedLine[]): { sendable: StagedLine[]; unsendable: StagedLine[] } {
  const sendable: StagedLine[] = []
  const unsendable: StagedLine[] = []
  for (const line of lines) {
    const keep = mayHoldSecret(line.text) || LONE_SURROGATE.test(line.text)
    ;(keep ? unsendable : sendable).push(line)
  }
  return { sendable, unsendable }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
