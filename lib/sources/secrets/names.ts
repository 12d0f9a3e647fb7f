/**
 * Secret-named fields: a JSON key or query parameter whose name, in any case, ends in one
 * of NAME_ENDINGS (`access_token`, `clientSecret`, `x-api-key`, `Proxy-Authorization`,
 * `Set-Cookie`) or is exactly one of NAMES. Words of a name may be joined by one of `-_. `
 * or by nothing (`api_key`, `apiKey`, `api-key`, `apikey`).
 */

const NAME_ENDINGS = [
  ['token'], ['secret'], ['password'], ['passwd'], ['passphrase'], ['authorization'], ['authorisation'],
  ['cookie'], ['cookies'], ['credential'], ['credentials'], ['api', 'key'], ['private', 'key'], ['client', 'assertion'],
]
const NAMES = [['key'], ['pwd']]

const alternatives = (names: string[][]) => `(?:${names.map((words) => words.join('[-_. ]?')).join('|')})`

/** Regex sources, for the `i` flag: the end of a secret name; a whole one. */
export const SECRET_NAME_ENDING = alternatives(NAME_ENDINGS)
export const SECRET_NAME_EXACT = alternatives(NAMES)

const SECRET_NAME = new RegExp(`${SECRET_NAME_ENDING}$|^${SECRET_NAME_EXACT}$`, 'i')

/** Whether a field named `name` (decoded) holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}
