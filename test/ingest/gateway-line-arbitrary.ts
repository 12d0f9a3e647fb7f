import fc from 'fast-check'

/**
 * Gateway log lines as a gateway (or an attacker) might write them: mostly the shapes of
 * shared/spec/gateway-log.md, and beside them every near-miss the JS parser has an
 * opinion on — wrong JSON types, numbers as strings, bad times and offsets, "" and null,
 * unknown keys, raw tokens, legacy aliases, repeated keys, odd whitespace, escapes, and
 * lines that are not JSON objects at all. Values are JSON texts, so a line can hold what
 * JSON.stringify never writes (1e2, 200.0, -0, escapes, duplicate keys).
 */

type Field = { key: string; good: fc.Arbitrary<string>; odd: fc.Arbitrary<string> }

const json = (value: unknown) => JSON.stringify(value)
const oneOf = <T>(...values: T[]) => fc.constantFrom(...values)
const strings = (...values: string[]) => oneOf(...values.map(json))

/** Any string, including ones that read like numbers, booleans or JSON. */
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  oneOf('claude-code', 'billing', '9b1d2c1e', '12345', '2.1', '2.1.4', '-0', '007', '1e5', 'true', 'null', '[x]', '{x}', 'a b', 'x:null', '"q"', '\\'),
)
const notAString = fc.oneof(
  fc.integer().map(json),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(json),
  oneOf('true', 'false', '[]', '["a"]', '[1]', '{}', '{"user":"x"}', '1e2', '1E2', '-0', '-0.0', '2.50', '1e400'),
)
/** Strings JSON.stringify never writes: escapes, and a raw lone surrogate. */
const oddString = oneOf('"\\u0041"', '"a\\/b"', '"\\ud83d\\ude00"', '"\\ud800"', '"\uD800x"', '"\\"q\\""')
/** A value that hides the key itself inside an object: `"user":{"user":"x"}`. */
const nested = (key: string) => oneOf(`{"${key}":"x"}`, `["x",{"${key}":"x"}]`, `[{"${key}":5}]`)

const textField = (key: string): Field => ({
  key,
  good: fc.oneof({ weight: 8, arbitrary: text.map(json) }, { weight: 1, arbitrary: oneOf('null', '""') }, { weight: 1, arbitrary: oddString }),
  odd: fc.oneof(notAString, nested(key)),
})

const isoTime = fc
  .record({
    at: fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }),
    sep: oneOf('T', 'T', 'T', 't', ' '),
    fraction: oneOf('.000', '.118', '', '.5', '.118999', '.000000001'),
    zone: oneOf('Z', 'Z', 'Z', 'z', '+02:00', '-07:30', '+00:00', '-00:00', '+23:59'),
  })
  .map(({ at, sep, fraction, zone }) => new Date(at).toISOString().slice(0, 19).replace('T', sep) + fraction + zone)
const edgeTime = fc
  .record({
    at: fc.oneof(fc.integer({ min: Date.UTC(1899, 11, 31), max: Date.UTC(1900, 0, 1, 2) }), fc.integer({ min: Date.UTC(2299, 11, 31, 22), max: Date.UTC(2300, 0, 1, 2) })),
    zone: oneOf('Z', '+01:00', '-01:00', '+24:00', '+05:60', ''),
  })
  .map(({ at, zone }) => new Date(at).toISOString().slice(0, 19) + zone)

const FIELDS: Field[] = [
  {
    key: 'time',
    good: fc.oneof({ weight: 5, arbitrary: isoTime.map(json) }, { weight: 1, arbitrary: fc.integer({ min: 1e11, max: 10413791999999 }).map(json) }),
    odd: fc.oneof(
      edgeTime.map(json),
      fc.integer({ min: 1e11 - 5, max: 1e11 + 5 }).map(json),
      oneOf('1791130925', '1791037500000.5', '"1791037500000"', '1.7910375e12', '10413792000000', '"2026-02-30T09:00:00Z"', '"2024-02-29T09:00:00Z"'),
      oneOf('"2026-10-03T24:00:00Z"', '"2026-10-03T14:22:05"', '"yesterday"', '" 2026-10-03T14:22:05Z"', '""', 'null', '"2026-10-03T14:22:05\\u002e1Z"'),
      strings('2026-10-03T14:22:60Z', '2026-10-03T14:60:00Z', '2026-13-03T14:22:00Z', '2026-00-10T00:00:00Z', '2026-10-00T00:00:00Z'),
      strings('2026-10-32T00:00:00Z', '2026-04-31T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z'),
      strings('0099-01-01T00:00:00Z', '1899-12-31T23:30:00-01:00', '2300-01-01T00:30:00+01:00', '2026-10-03T14:22:05.Z', '2026-1-03T14:22:05Z'),
      notAString,
    ),
  },
  {
    key: 'mcp.method.name',
    good: fc.oneof(strings('tools/call', 'resources/read', 'initialize', 'ping', 'notifications/initialized', 'prompts/get'), text.filter((t) => /\S/.test(t)).map(json)),
    odd: fc.oneof(strings('', ' ', '\u00a0'), notAString, oneOf('null')),
  },
  { key: 'event_id', good: fc.oneof(text.map(json), fc.integer({ min: -1e6, max: 1e6 }).map(json), oneOf('4.2e1', '-0', 'null')), odd: oneOf('0.5', '1e21', '9007199254740993', 'true', '[1]', '{}') },
  { key: 'jsonrpc.request.id', good: fc.oneof(text.map(json), fc.integer({ min: 0, max: 1e9 }).map(json)), odd: oneOf('0.5', '1e21', 'false', '["9"]') },
  textField('gateway'),
  textField('mcp.target'),
  textField('gen_ai.tool.name'),
  textField('gen_ai.prompt.name'),
  textField('mcp.resource.uri'),
  textField('mcp.session.id'),
  textField('mcp.protocol.version'),
  textField('client.name'),
  textField('client.version'),
  textField('src.addr'),
  {
    key: 'http.status',
    good: fc.oneof(oneOf(200, 202, 401, 403, 404, 500, 100, 599).map(json), oneOf('200.0', '2e2', '4.03E2', 'null')),
    odd: oneOf('99', '600', '"200"', '200.5', '""', 'true'),
  },
  { key: 'outcome', good: strings('ok', 'error', 'denied'), odd: fc.oneof(strings('allowed', '', 'OK'), oneOf('1', 'null')) },
  {
    key: 'duration',
    good: fc.oneof(
      fc.integer({ min: 0, max: 900_000 }).map((n) => json(`${n}ms`)),
      strings('1.5s', '0s', '12.345ms', '0.1ms', '184', '1.50', ''),
      oneOf('41.7', '0', '-0', '0.1', '1234567.891', '1e21', 'null'),
    ),
    odd: strings('-5ms', ' 5ms', 'fast', '1e3', '12.3456ms', '9m13.123s', '1.5h', '5us'),
  },
  { key: 'auth.scheme', good: strings('bearer', 'api_key', 'none'), odd: fc.oneof(strings('basic', '', 'Bearer'), oneOf('null', '0')) },
  textField('jwt.iss'),
  textField('jwt.sub'),
  {
    key: 'jwt.aud',
    good: fc.oneof(text.map(json), fc.array(text, { maxLength: 3 }).map(json)),
    odd: oneOf('[1]', '[null]', '[["a"]]', '[{"jwt.aud":"x"}]', '5', '{}'),
  },
  textField('jwt.client_id'),
  textField('jwt.azp'),
  textField('jwt.appid'),
  textField('jwt.cid'),
  textField('jwt.jti'),
  textField('jwt.uti'),
  {
    key: 'jwt.iat',
    good: fc.oneof(fc.integer({ min: -2208988800, max: 10413791999 }).map(json), oneOf('null', '1791130925.5', '1.7e9')),
    odd: oneOf('-2208988801', '10413792000', '"1791130925"', '""', 'true'),
  },
  {
    key: 'jwt.exp',
    good: fc.oneof(fc.integer({ min: 1e9, max: 2e9 }).map(json), oneOf('null', '0')),
    odd: oneOf('1e12', '"soon"', '""', '[1]'),
  },
  textField('user'),
  {
    key: 'apiKey.sha256',
    good: fc.oneof(
      fc.stringMatching(/^[0-9a-f]{64}$/).map(json),
      fc.stringMatching(/^[0-9A-F]{64}$/).map((h) => json(`sha256:${h}`)),
      strings('', ` ${'a'.repeat(64)}`, '1'.repeat(64)),
    ),
    odd: fc.oneof(strings('abc123', 'sha256:xyz'), notAString),
  },
  textField('apiKey.name'),
]

/** Keys the fast path must leave to the JS parser (or could mistake for known ones). */
const STRAY_KEYS = ['level', 'token', 'jti', 'client_id', 'mcp.method', 'mcp.resource.type', 'mcp.resource.name', 'jwt.foo', 'apiKey.id', 'value', 'tim\\u0065', 'user ']

type Entry = [key: string, value: string]

/** In about one line in eight. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 7, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb })

const entries: fc.Arbitrary<Entry[]> = fc
  .record({
    optional: fc.subarray(FIELDS.slice(2), { maxLength: 16 }),
    oddCount: oneOf(0, 0, 0, 0, 1, 1, 2),
    dropRequired: oneOf(false, false, false, false, false, false, false, false, true),
    stray: sometimes(fc.tuple(oneOf(...STRAY_KEYS), fc.oneof(text.map(json), notAString))),
    repeat: sometimes(fc.tuple(fc.nat(), fc.oneof(text.map(json), notAString, oneOf('null')))),
  })
  .chain(({ optional, oddCount, dropRequired, stray, repeat }) => {
    const fields = [...(dropRequired ? [] : FIELDS.slice(0, 2)), ...optional]
    return fc.tuple(fc.constant({ stray, repeat }), fc.shuffledSubarray(fields, { minLength: 0, maxLength: Math.min(oddCount, fields.length) }), fc.constant(fields))
  })
  .chain(([{ stray, repeat }, odd, fields]) =>
    fc.tuple(...fields.map((f) => (odd.includes(f) ? f.odd : f.good).map((v): Entry => [f.key, v]))).chain((all) => {
      if (stray) all.push(stray)
      if (repeat && all.length > 0) all.push([all[repeat[0] % all.length][0], repeat[1]])
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length })
    }),
  )

const line = fc
  .record({
    entries,
    colon: oneOf(':', ':', ':', ':', ':', ':', ':', ':', ' : ', ': ', ':\t'),
    edge: oneOf('', '', '', '', '', '', '', '', ' ', '\t'),
  })
  .map(({ entries, colon, edge }) => `${edge}{${entries.map(([k, v]) => `"${k}"${colon}${v}`).join(',')}}${edge.trim() === '' ? edge.replace('\t', '') : ''}`)

/** One gateway log line (the text of one NDJSON line). */
export const gatewayLineText: fc.Arbitrary<string> = fc.oneof(
  { weight: 40, arbitrary: line },
  { weight: 1, arbitrary: oneOf('[]', '"text"', '42', 'null', '{"time":"2026-10-05T09:00:09.000Z","mcp.method.name":', '\uFEFF{}', '{"a":1} x') },
)

/** For each key, the values at the edges of what the JS parser takes, as JSON texts. */
export const EDGE_VALUES: Record<string, string[]> = {
  time: [
    ...['2026-10-03T14:22:05Z', '2026-10-03t14:22:05.1z', '2026-10-03 14:22:05.118999+00:00', '2026-10-03T07:22:05-07:00'],
    ...['2026-01-01T00:30:00+01:00', '2026-10-03T14:22:05+23:59', '2026-10-03T14:22:05+24:00', '2026-10-03T14:22:05+05:60'],
    ...['2026-10-03T14:22:60Z', '2026-10-03T14:60:00Z', '2026-10-03T24:00:00Z', '2026-13-03T14:22:00Z', '2026-00-10T00:00:00Z'],
    ...['2026-10-00T00:00:00Z', '2026-10-32T00:00:00Z', '2026-04-31T00:00:00Z', '2026-04-30T00:00:00Z', '2100-02-29T00:00:00Z'],
    ...['2000-02-29T00:00:00Z', '2024-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '0099-01-01T00:00:00Z', '1899-12-31T23:59:59Z'],
    ...['1900-01-01T00:00:00Z', '1900-01-01T00:30:00+01:00', '1899-12-31T23:30:00-01:00', '2299-12-31T23:59:59.999Z'],
    ...['2300-01-01T00:00:00Z', '2300-01-01T00:30:00+01:00', '2026-10-03T14:22:05.Z', '2026-1-03T14:22:05Z', '2026-10-03T14:22:05'],
  ].map(json).concat(['99999999999', '100000000000', '10413791999999', '10413792000000', '1791037500000.5', '1.7910375e12', '1791130925', '-5', '"1791037500000"']),
  'http.status': ['99', '100', '200', '200.0', '2e2', '4.03E2', '"200"', '599', '600', '-0', '200.5', 'null', '""', 'true'],
  duration: [
    ...['184ms', '0ms', '1.5s', '0s', '12.345ms', '12.3456ms', '0.1ms', '999999999ms', '1000000000ms', '999999.999s', '1000000s'],
    ...['184', '1.50', '0.000001', '-5ms', ' 5ms', '5ms ', 'fast', '1e3', '9m13.123s', '5us', '1h', '.5ms', '5.ms', ''],
  ].map(json).concat(['41.7', '0', '-0', '-5', '0.1', '1e21', '1e-7', '123456789.123456789', 'null', 'true', '[1]']),
  'jwt.iat': ['-2208988801', '-2208988800', '0', '1791130925', '10413791999', '10413792000', '1.5', '1.7e9', '"1"', '""', 'null'],
  'jwt.exp': ['1791130925', '-0', '1e10', '"soon"', '""', 'null', '[]'],
  event_id: ['0', '-0', '-0.0', '42', '4.2e1', '999999999999999', '1000000000000000', '1e21', '0.5', '"0"', '"-0"', '"007"', '""', 'null', 'true'],
  'jsonrpc.request.id': ['0', '9', '"9"', '9.5', '-3', 'false', '["9"]', '{}'],
  'apiKey.sha256': [`"${'A'.repeat(64)}"`, `"sha256:${'b'.repeat(64)}"`, `"SHA256:${'c'.repeat(64)}"`, `" ${'d'.repeat(64)}"`, `"${'1'.repeat(64)}"`, `"${'e'.repeat(63)}"`, '"abc123"', '""', 'null', '5'],
  'jwt.aud': ['"api://x"', '["a","b"]', '[]', '[""]', '["a",1]', '[null]', '[["a"]]', '["x",{"jwt.aud":"x"}]', '{}', '5', '""', 'null'],
  outcome: ['"ok"', '"error"', '"denied"', '"allowed"', '"OK"', '""', 'null', '1'],
  'auth.scheme': ['"bearer"', '"api_key"', '"none"', '"basic"', '""', 'null', 'true'],
  'mcp.method.name': ['"tools/call"', '"initialize"', '"ping"', '"notifications/x"', '"123"', '" x "', '"é"', '""', '" "', '"\u00a0"', 'null', '5', '"\\u0070ing"'],
  user: [
    ...['"123"', '"2.1"', '"2.1.4"', '"-0"', '"1e5"', '"true"', '"null"', '"[x]"', '"{x}"', '"a b"', '""', '"\\u0000"', '"\\ud800"', '"\uD800"'],
    ...['"\\ud83d\\ude00"', '"\\"q\\""', '"a\\\\b"', '"x:null"', '5', '5.5', 'true', 'null', '{"user":"x"}', '["x",{"user":"x"}]', '[]'],
  ],
}
