/**
 * When the company's agents go to Okta for tokens: a person signs in once a day,
 * authorizes an agent once (authorization_code + a 90-day refresh token), and the
 * agent refreshes its 1-hour access token when the one it holds won't last the session.
 */
import { MINUTE, SECOND, dayOf } from './clock'
import type { Agent, Person, ServiceClient } from './company'
import type { OAuthToken, OktaLog } from './okta-log'
import type { Random } from './random'

type AgentGrant = { refresh: OAuthToken; access: OAuthToken }

export class TokenBroker {
  private grants = new Map<string, AgentGrant>()
  private clientTokens = new Map<string, OAuthToken>()
  private signedIn = new Map<number, number>()

  constructor(private rng: Random, private okta: OktaLog) {}

  /** Marks a sign-in that happened outside any agent session (the people's first days). */
  signIn(p: Person, t: number): void {
    this.signedIn.set(p.index, dayOf(t))
    this.okta.sessionStart(p, t)
  }

  /** The access token an agent presents for a session starting at `t` that needs `needMs` of life. */
  personToken(p: Person, agent: Agent, version: string, t: number, needMs: number): OAuthToken {
    const key = `${p.index}:${agent.name}`
    const grant = this.grants.get(key)
    if (grant && grant.refresh.expiresAt > t && grant.access.revokedAt === null && grant.access.expiresAt - t >= needMs) return grant.access
    if (grant && grant.refresh.expiresAt > t) {
      grant.access = this.okta.grantPersonAccess(p, agent, version, t - this.rng.between(0.2 * SECOND, 2 * SECOND), 'refresh_token')
      return grant.access
    }
    this.ensureSignedIn(p, t)
    const at = t - this.rng.between(5 * SECOND, 40 * SECOND)
    const refresh = this.okta.grantPersonRefresh(p, agent, version, at)
    const access = this.okta.grantPersonAccess(p, agent, version, at, 'authorization_code')
    this.grants.set(key, { refresh, access })
    return access
  }

  /** A brand-new access token, whatever the agent held (used where a story needs a known issue time). */
  freshPersonToken(p: Person, agent: Agent, version: string, t: number): OAuthToken {
    return this.personToken(p, agent, version, t, Infinity)
  }

  /** A token issued `ageMs` before `t` — expired by the time the agent presents it. */
  stalePersonToken(p: Person, agent: Agent, version: string, t: number, ageMs: number): OAuthToken {
    return this.okta.grantPersonAccess(p, agent, version, t - ageMs, 'refresh_token')
  }

  clientToken(c: ServiceClient, t: number, needMs: number): OAuthToken {
    const held = this.clientTokens.get(c.name)
    if (held && held.expiresAt - t >= needMs) return held
    const token = this.okta.grantClientAccess(c, t - this.rng.between(0.1 * SECOND, 1 * SECOND))
    this.clientTokens.set(c.name, token)
    return token
  }

  private ensureSignedIn(p: Person, t: number): void {
    if (this.signedIn.get(p.index) === dayOf(t)) return
    this.signIn(p, t - this.rng.between(1 * MINUTE, 20 * MINUTE))
  }
}
