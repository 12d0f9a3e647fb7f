import { SECRET_NAME_ENDING, SECRET_NAME_EXACT } from './names'
import { JWT_MARK, KEY_PREFIX_START, SCHEME_START } from './shapes'

/**
 * Whether a line might hold a secret: true whenever the scrubber could change it, rarely
 * otherwise; false means the line may be stored, or staged, exactly as it came. It looks
 * for what every secret the scrubber finds must show in the line's text: a secret-named
 * key (`…token":`) or query parameter (`…token=`), or the start of a secret's shape; in a
 * line with JSON escapes, which could spell any of them, it looks at the text they spell.
 * A few small tests, not one big alternation: V8 runs these several times faster, ~2 µs
 * for a 500-character line.
 */
export function mayHoldSecret(text: string): boolean {
  const spelled = text.includes('\\') ? unescaped(text) : text
  return (
    spelled.includes(JWT_MARK) ||
    SECRET_NAMED.test(spelled) ||
    KEY_PREFIX_START.test(spelled) ||
    // a scheme is followed by a space or a tab: most lines have neither
    ((spelled.includes(' ') || spelled.includes('\t')) && SCHEME_START.test(spelled))
  )
}

// a name NAMES holds whole (`key`) may end a longer one here (`cache_key":`): rarely, and then the JS parser just looks
const SECRET_NAMED = new RegExp(`(?:${SECRET_NAME_ENDING}|${SECRET_NAME_EXACT})(?:"\\s*:|=)`, 'i')

const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|([^u]))/g
const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** The text with each JSON escape replaced by the character it stands for. */
function unescaped(text: string): string {
  return text.replace(ESCAPE, (_, hex: string | undefined, char: string | undefined) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : (ESCAPED[char as string] ?? (char as string)),
  )
}
