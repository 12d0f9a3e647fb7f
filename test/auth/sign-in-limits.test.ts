import { randomBytes, scryptSync } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { closeAppStore, openAppStore, type AppStore } from '@/db'
import { auditEvents, users } from '@/db/schema'
import type { RequestOrigin } from '@/lib/auth/actor'
import { clientAddress } from '@/lib/auth/client-address'
import { hashPassword, PASSWORD_COST } from '@/lib/auth/password'
import { signInWithPassword, type PasswordSignIn } from '@/lib/auth/password-sign-in'
import { addressKey, delaySeconds, SIGN_IN_RULES, SignInLimits } from '@/lib/auth/sign-in-limits'
import { pgliteBackend, postgresBackend, type Backend } from '../store/backends'

const postgresUrl = process.env.TEST_DATABASE_URL
const backends: Backend[] = [pgliteBackend(), ...(postgresUrl ? [postgresBackend(postgresUrl)] : [])]
const PASSWORD = 'the owner knows this one'
/** A hash as Custody wrote them before N=2^17: N=2^15. */
function oldCostHash(plain: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(plain.normalize('NFKC'), salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$')
}
const from = (ip: string): RequestOrigin => ({ ip, userAgent: 'vitest' })

describe('the client address', () => {
  it('is the socket peer unless proxies are configured: a forged X-Forwarded-For chooses nothing', () => {
    expect(clientAddress('junk', '::ffff:127.0.0.1', 0)).toBe('127.0.0.1')
    expect(clientAddress('6.6.6.6', '198.51.100.7', 0)).toBe('198.51.100.7')
    expect(clientAddress(undefined, '2001:db8::1', 0)).toBe('2001:db8::1')
  })

  it('with N trusted proxies is the address the outermost one saw, N entries left of the peer', () => {
    expect(clientAddress('6.6.6.6, 198.51.100.7', '10.0.0.1', 1)).toBe('198.51.100.7')
    expect(clientAddress(['6.6.6.6', '198.51.100.7, 10.0.0.2'], '10.0.0.1', 2)).toBe('198.51.100.7')
    expect(clientAddress('junk', '10.0.0.1', 1)).toBeNull()
    expect(clientAddress(undefined, '10.0.0.1', 1)).toBe('10.0.0.1')
  })

  it('counts IPv6 clients by /64, so rotating addresses inside one network gets no fresh limit', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey('198.51.100.7')).toBe('198.51.100.7')
    expect(addressKey(null)).toBe('unknown')
  })
})

describe('the delays', () => {
  it('double from the first and stop at the cap; an account is never held longer than a minute', () => {
    expect([1, 2, 3, 4, 7, 40].map((n) => delaySeconds(SIGN_IN_RULES.pair, n))).toEqual([60, 120, 240, 480, 3600, 3600])
    expect(SIGN_IN_RULES.account.maxDelaySeconds).toBeLessThanOrEqual(60)
  })
})

describe.each(backends.map((b) => [b.name, b] as const))('password sign-in on %s', (_name, backend) => {
  let db: AppStore
  let limits: SignInLimits

  beforeAll(async () => {
    await backend.reset()
    db = await openAppStore(backend.config())
    limits = new SignInLimits(db)
    const passwordHash = await hashPassword(PASSWORD)
    await db.insert(users).values(['owner', 'parallel', 'slow'].map((name) => ({ email: `${name}@example.test`, passwordHash })))
    await db.insert(users).values({ email: 'bob@example.test', passwordHash: oldCostHash(PASSWORD) })
  })
  afterAll(async () => {
    await closeAppStore()
    backend.dispose()
  })
  afterEach(() => vi.useRealTimers())

  const attempt = (email: string, password: string, ip: string) => signInWithPassword(db, { email, password }, from(ip), limits)
  const reasons = async (email: string) => {
    const rows = await db
      .select({ reason: sql<string>`${auditEvents.detail}->>'reason'` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'sign_in_failed'), eq(auditEvents.actor, email)))
    return rows.map((r) => r.reason)
  }
  const limitRows = async () => Number((await db.execute(sql`SELECT count(*) AS n FROM sign_in_limits`)).rows[0].n)
  const count = (results: PasswordSignIn[], outcome: PasswordSignIn['outcome']) => results.filter((r) => r.outcome === outcome).length

  it('20 parallel guesses at one account from one address: 5 reach the password check, the rest are refused before it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt('parallel@example.test', `guess-${i}`, '192.0.2.10')))
    expect(count(results, 'wrong_credentials')).toBe(SIGN_IN_RULES.pair.free)
    expect(count(results, 'rate_limited')).toBe(20 - SIGN_IN_RULES.pair.free)
    // Anonymous traffic writes one row per checked guess and one per refusal period, not one per request.
    expect((await reasons('parallel@example.test')).sort()).toEqual(['rate_limited', ...Array(5).fill('wrong_password')])
  })

  it('backs off with growing delays, and hammering while refused makes the wait no longer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    for (let i = 0; i < 5; i++) expect((await attempt('slow@example.test', `guess-${i}`, '192.0.2.20')).outcome).toBe('wrong_credentials')
    for (const expected of [60, 120, 240]) {
      for (let i = 0; i < 5; i++) {
        const refused = await attempt('slow@example.test', 'hammer', '192.0.2.20')
        expect(refused).toMatchObject({ outcome: 'rate_limited' })
        expect(refused.outcome === 'rate_limited' && refused.retryAfterSeconds).toBeLessThanOrEqual(expected)
      }
      vi.setSystemTime(Date.now() + expected * 1000 + 1000)
      expect((await attempt('slow@example.test', 'one more guess', '192.0.2.20')).outcome).toBe('wrong_credentials')
    }
    const refused = await attempt('slow@example.test', PASSWORD, '192.0.2.20')
    expect(refused).toMatchObject({ outcome: 'rate_limited', retryAfterSeconds: 480 })
  })

  it('someone failing on purpose every 15 minutes cannot keep the owner out: they wait a minute at most', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    // Fewer free attempts than in production keep the scrypt count (and the test) short; the delays are production's.
    const strict = new SignInLimits(db, { ...SIGN_IN_RULES, account: { ...SIGN_IN_RULES.account, free: 2 } })
    const attackers = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4']
    let waited = 0
    for (let round = 0; round < 2; round++) {
      for (const ip of attackers) for (let i = 0; i < 3; i++) await signInWithPassword(db, { email: 'owner@example.test', password: 'nope' }, from(ip), strict)
      const first = await signInWithPassword(db, { email: 'owner@example.test', password: PASSWORD }, from('203.0.113.5'), strict)
      if (first.outcome === 'rate_limited') {
        expect(first.retryAfterSeconds).toBeLessThanOrEqual(60)
        waited += first.retryAfterSeconds
        vi.setSystemTime(Date.now() + first.retryAfterSeconds * 1000 + 500)
      }
      const owner = first.outcome === 'rate_limited' ? await signInWithPassword(db, { email: 'owner@example.test', password: PASSWORD }, from('203.0.113.5'), strict) : first
      expect(owner, `round ${round}`).toMatchObject({ outcome: 'signed_in', user: { email: 'owner@example.test' } })
      vi.setSystemTime(Date.now() + 15 * 60 * 1000)
    }
    expect(waited).toBeGreaterThan(0) // the attack did slow the owner down, by seconds
  })

  it('a correct password clears what the account owes, and an old hash is upgraded to the current cost', async () => {
    for (let i = 0; i < 4; i++) await attempt('bob@example.test', `guess-${i}`, '192.0.2.30')
    expect((await attempt('bob@example.test', PASSWORD, '192.0.2.30')).outcome).toBe('signed_in')
    expect((await attempt('bob@example.test', 'typo', '192.0.2.30')).outcome).toBe('wrong_credentials')
    expect((await attempt('bob@example.test', PASSWORD, '192.0.2.30')).outcome).toBe('signed_in')
    expect(await limits.retryAfterSeconds({ email: 'bob@example.test', ip: '192.0.2.30' })).toBe(0)
    const [{ hash }] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.email, 'bob@example.test'))
    expect(hash).toMatch(new RegExp(`^scrypt\\$${PASSWORD_COST.N}\\$`))
  })

  it('an address spraying fresh e-mails stops creating counters once it is held back', async () => {
    const before = await limitRows()
    const results = []
    for (let i = 0; i < 40; i++) results.push(await limits.take({ email: `spray-${i}@example.test`, ip: '192.0.2.99' }))
    expect(results.filter((r) => r.allowed)).toHaveLength(SIGN_IN_RULES.address.free)
    // Per allowed attempt: its pair and account counters; for the address: its counter and its gate.
    expect((await limitRows()) - before).toBe(SIGN_IN_RULES.address.free * 2 + 2)
  })

  it('keeps its counters in sign_in_limits, reached by primary key, with an index for expiry clean-up', async () => {
    const indexes = await db.execute(sql`SELECT indexdef FROM pg_indexes WHERE tablename = 'sign_in_limits' ORDER BY indexname`)
    expect(indexes.rows.map((r) => String(r.indexdef).replace(/^.* USING /, ''))).toEqual(['btree (expire)', 'btree (key)'])
  })
})
