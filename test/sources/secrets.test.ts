import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { secretFingerprint } from '@/lib/sources/fingerprint'
import { mayHoldSecret, scrubRecord, scrubText } from '@/lib/sources/secrets'
import { gatewayBenchLine, seededRandom } from '../bench/gateway-fast-path-lines'
import { gatewayLines, keyLines, oktaLines, SECRETS } from '../fixtures/secrets/carriers'

const fp = secretFingerprint
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlMTIz'

describe('the secret scrubber: by name', () => {
  const NAMES = [
    'authorization', 'Authorization', 'proxy-authorization', 'x-api-key', 'X-API-Key', 'api_key', 'apiKey', 'apikey', 'cookie',
    'Set-Cookie', 'access_token', 'ACCESS_TOKEN', 'accessToken', 'refresh_token', 'id_token', 'client_secret', 'clientSecret',
    'client_assertion', 'password', 'private_key', 'key', 'x-auth-token', 'credentials',
  ]

  it('fingerprints the value of every secret-named field, in any case or spelling, at any depth', () => {
    for (const name of NAMES) {
      const record = { time: 't', 'rq.headers.all': { [name]: 'opaque-value-1' }, list: [{ [name]: 'v2' }], [name]: 'v3' }
      expect(scrubRecord(record), name).toEqual({ time: 't', 'rq.headers.all': { [name]: fp('opaque-value-1') }, list: [{ [name]: fp('v2') }], [name]: fp('v3') })
    }
  })

  it('fingerprints everything under a secret name: arrays, objects, numbers; keeps empty values', () => {
    expect(scrubRecord({ cookie: ['a=1', { session: 's' }], password: 1234, token: '', secret: null })).toEqual({
      cookie: [fp('a=1'), { session: fp('s') }],
      password: fp('1234'),
      token: '',
      secret: null,
    })
  })

  it('reads a { key, value } pair by its name: the pair of a secret name is fingerprinted, any other kept', () => {
    const details = [{ key: 'AppId', value: '7c2e4b1a' }, { key: 'client_secret', value: 'pair-secret-1' }, { key: 'User-Agent', value: 'curl' }]
    expect(scrubRecord({ additionalDetails: details })).toEqual({
      additionalDetails: [{ key: 'AppId', value: '7c2e4b1a' }, { key: 'client_secret', value: fp('pair-secret-1') }, { key: 'User-Agent', value: 'curl' }],
    })
    // a bare `key` is still a secret
    expect(scrubRecord({ key: 'raw-key-1' })).toEqual({ key: fp('raw-key-1') })
  })

  it('keeps what a secret-named object says about its secret (id, type, times), fingerprints the rest', () => {
    const token = { uid: 'AT.ocsf1', type_id: 6, created_time: 1772611200000, expiration_time: 1772614800000, value: 'tok-raw-1' }
    expect(scrubRecord({ authentication_token: token })).toEqual({
      authentication_token: { uid: 'AT.ocsf1', type_id: 6, created_time: 1772611200000, expiration_time: 1772614800000, value: fp('tok-raw-1') },
    })
  })

  it('keeps the auth scheme in front of the fingerprint, so it is the credential’s', () => {
    expect(scrubRecord({ authorization: 'Bearer abc', 'proxy-authorization': 'basic dXNlcjpwdw==' })).toEqual({
      authorization: `Bearer ${fp('abc')}`,
      'proxy-authorization': `basic ${fp('dXNlcjpwdw==')}`,
    })
  })

  it('keeps fields whose names only resemble secret names', () => {
    const record = { 'apiKey.sha256': 'a'.repeat(64), 'apiKey.name': 'laptop', token_type: 'Bearer', input_tokens: 12, 'auth.scheme': 'bearer', monkey: 'x', keys: 'k' }
    expect(scrubRecord(record)).toEqual(record)
  })

  it('fingerprints secret-named query parameters, wherever the URL is', () => {
    const uri = 'https://docs.example.com/p?access_token=abc123&v=2#client_secret=s3&key=k9'
    expect(scrubText(uri)).toBe(`https://docs.example.com/p?access_token=${fp('abc123')}&v=2#client_secret=${fp('s3')}&key=${fp('k9')}`)
    expect(scrubRecord({ 'mcp.resource.uri': uri })['mcp.resource.uri']).not.toContain('abc123')
  })

  it('fingerprints secret-named JSON fields inside text, even when the text is cut off in the value', () => {
    expect(scrubText('{"time":"t","clientSecret":"s3cr3t","x":1')).toBe(`{"time":"t","clientSecret":"${fp('s3cr3t')}","x":1`)
    expect(scrubText('{"time":"t","x-api-key":"cut-off-s3cr')).toBe(`{"time":"t","x-api-key":"${fp('cut-off-s3cr')}`)
  })
})

describe('the secret scrubber: by shape', () => {
  const SHAPES = [
    JWT, SECRETS.openaiKey, SECRETS.inventoryKey, SECRETS.githubClassic, SECRETS.authorizationPat, SECRETS.slackBot, SECRETS.awsKeyId,
    `glpat-${'x1'.repeat(10)}`, `AIza${'Sy1'.repeat(12)}`, `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`,
  ]

  it('fingerprints JWTs, keys with a well-known prefix and credentials after an auth scheme, in any text', () => {
    for (const secret of SHAPES) expect(scrubText(`key was ${secret}, then`), secret).toBe(`key was ${fp(secret)}, then`)
    expect(scrubText('Authorization: Bearer abcdefgh12345678XYZ')).toBe(`Authorization: Bearer ${fp('abcdefgh12345678XYZ')}`)
    expect(scrubText('SSWS 00abcdefghijklmnopqrstuv')).toBe(`SSWS ${fp('00abcdefghijklmnopqrstuv')}`)
  })

  it('leaves what only looks like one: words, ids, hashes, short prefixes', () => {
    for (const text of [
      'bearer', 'Basic authentication failed', 'task-runner-0001', 'desk-0123456789abcdefghij', 'sk-123', '9b1d2c1e-1ab3-4c56-a45d-2d8cb8cddc4f',
      'f2ea90af2db49ceaf782274aa1f82a7419a715b8e0350b6371e387a305bf822f', 'ghp_short1', 'AKIA-not-a-key', 'eyJ',
    ]) {
      expect(scrubText(text)).toBe(text)
    }
  })

  it('fingerprints once: scrubbing what is scrubbed changes nothing', () => {
    const once = scrubRecord({ authorization: `Bearer ${JWT}`, note: `sk-proj-${'a1'.repeat(12)}`, uri: '/x?token=abc' })
    expect(scrubRecord(once)).toEqual(once)
  })
})

describe('mayHoldSecret: whether a line may be stored or staged as it came', () => {
  it('is true for every line that carries a secret', () => {
    for (const line of [...gatewayLines(), ...oktaLines(), ...keyLines()]) expect(mayHoldSecret(line), line).toBe(true)
  })

  it('is false for the lines gateways write without secrets', () => {
    const next = seededRandom(11)
    const lines = Array.from({ length: 2000 }, (_, i) => gatewayBenchLine(i, next))
    expect(lines.filter(mayHoldSecret)).toEqual([])
  })

  it('is true whenever scrubbing would change the line or its record, with any keys, values, escapes and spacing', () => {
    fc.assert(
      fc.property(line, (text) => {
        if (mayHoldSecret(text)) return
        expect(scrubText(text)).toBe(text)
        const record: unknown = JSON.parse(text)
        expect(scrubRecord(record)).toEqual(record)
      }),
      { numRuns: 3000 },
    )
  })
})

const key = fc.oneof(
  fc.constantFrom('time', 'user', 'apiKey.sha256', 'auth.scheme', 'token_type', 'rq.headers.all', 'mcp.resource.uri', 'monkey'),
  fc.constantFrom('token', 'Authorization', 'x-api-key', 'apiKey', 'client_secret', 'Cookie', 'key', 'pwd', 'PassPhrase', 'private.key'),
  fc.string({ maxLength: 8 }),
)
const secretValue = fc.constantFrom(
  `Bearer abcdefgh12345678XYZ`, JWT, SECRETS.githubClassic, SECRETS.awsKeyId, SECRETS.slackBot, `see ${SECRETS.openaiKey}`,
  'https://x/?access_token=abc&v=1', 'a;key=v', 'basic\tdXNlcjpwYXNzd29yZDEyMzQ1', '{"clientSecret":"x"}',
)
const plainValue = fc.constantFrom('bearer', 'api_key', 'Basic', 'sk-', 'ghp_', 'eyJ', 'key', 'token', 'a=b', '?v=1', '')
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    secretValue,
    plainValue,
    fc.integer(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value

/** JSON as a gateway might write it: some letters as `\uXXXX` escapes, optional spaces. */
const line = fc
  .record({ record: fc.dictionary(key, value, { maxKeys: 6 }), escapeEvery: fc.integer({ min: 0, max: 4 }), space: fc.constantFrom('', ' ') })
  .map(({ record, escapeEvery, space }) => {
    let n = 0
    const escaped = (text: string) =>
      JSON.stringify(text).replace(/[A-Za-z]/g, (c) => (escapeEvery > 0 && ++n % escapeEvery === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c))
    const write = (v: unknown): string => {
      if (typeof v === 'string') return escaped(v)
      if (Array.isArray(v)) return `[${v.map(write).join(`,${space}`)}]`
      if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${escaped(k)}${space}:${space}${write(x)}`).join(`,${space}`)}}`
      return JSON.stringify(v)
    }
    return write(record)
  })
