/**
 * Secrets recognised by their shape, wherever they are: JWTs, credentials after an HTTP
 * auth scheme, and API keys with a well-known prefix.
 */

export const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
/** every JWT contains it */
export const JWT_MARK = 'eyJ'

const AUTH_SCHEMES = ['bearer', 'basic', 'ssws']
const SCHEMES = `(?:${AUTH_SCHEMES.join('|')})`
// a credential is long and has a digit; prose such as "Basic authentication" is neither
export const AUTH_SCHEME = new RegExp(`\\b(${SCHEMES})([ \\t]+)(?=[A-Za-z._~+/-]*\\d)([A-Za-z0-9._~+/-]{16,}=*)`, 'gi')
/** The value of a secret-named field, when it names its scheme; there GitHub's `token <secret>` is one too. */
export const SCHEMED_SECRET = new RegExp(`^(${[...AUTH_SCHEMES, 'token'].join('|')})(\\s+)(\\S+)$`, 'i')

/** Prefixes of provider API keys (OpenAI/Anthropic, Stripe, GitHub, GitLab, Slack, Google, Hugging Face, npm, AWS). */
const KEY_PREFIXES = '(?:sk-|sk_live_|sk_test_|rk_live_|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|xapp-|AIza|hf_|npm_)'
const AWS_KEY_PREFIXES = '(?:AKIA|ASIA)'
export const KEY_PREFIX = new RegExp(
  `\\b${KEY_PREFIXES}(?=[A-Za-z_-]*\\d)[A-Za-z0-9_-]{16,}|\\b${AWS_KEY_PREFIXES}[A-Z0-9]{16}\\b`,
  'g',
)

/** Where a shape could start: AUTH_SCHEME and KEY_PREFIX match only where these do. */
export const SCHEME_START = new RegExp(`\\b${SCHEMES}[ \\t]`, 'i')
export const KEY_PREFIX_START = new RegExp(`\\b(?:${KEY_PREFIXES}|${AWS_KEY_PREFIXES})`)
