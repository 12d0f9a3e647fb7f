/** The Okta System Log the company produces (okta.ndjson), gathered in memory and written by `published`. */
import { DAY, HOUR, wholeSecond } from './clock'
import type { Agent, Company, Person, ServiceClient } from './company'
import {
  EGRESS_IP, adminClient, agentUserAgent, authServerTarget, clientActor, logEvent, personActor, personClient,
  serviceClient, systemActor, tokenTarget, userTarget, type LogEventInput, type OktaActor,
} from './okta-events'
import type { Random } from './random'

export const ACCESS_TOKEN_LIFETIME = HOUR
export const REFRESH_TOKEN_LIFETIME = 90 * DAY

export type OAuthToken = {
  id: string
  issuedAt: number
  expiresAt: number
  /** an explicit revocation of this token */
  revokedAt: number | null
  subject: string
  clientId: string
  person: Person | null
}

export type OktaEvent = { t: number; line: string }

const BROWSER_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36'

export class OktaLog {
  readonly events: OktaEvent[] = []
  readonly accessTokenIds = new Set<string>()

  constructor(private rng: Random, private company: Company) {}

  sessionStart(p: Person, t: number): void {
    this.add({
      published: t, eventType: 'user.session.start', legacyEventType: 'core.user_auth.login_success', displayMessage: 'User login to Okta',
      actor: personActor(p), client: personClient(p, null, BROWSER_UA, 'CHROME'), target: null,
      debugData: { requestUri: '/idp/idx/identify', url: '/idp/idx/identify?', threatSuspected: 'false' },
      authenticationContext: this.userAuthContext('PASSWORD'),
    })
  }

  /** An access token for a person through one of the agent apps (authorization_code or refresh_token grant). */
  grantPersonAccess(p: Person, agent: Agent, version: string, t: number, grantType: 'authorization_code' | 'refresh_token'): OAuthToken {
    const token = this.token(`AT.${this.rng.base64url(22)}`, t, ACCESS_TOKEN_LIFETIME, p.id, agent.clientId, p)
    this.accessTokenIds.add(token.id)
    this.add({
      published: t, eventType: 'app.oauth2.as.token.grant.access_token', legacyEventType: 'app.oauth2.as.token.grant.access_token_success',
      displayMessage: 'OAuth2 access token is granted', actor: personActor(p), client: personClient(p, agent.clientId, agentUserAgent(agent, version)),
      target: [tokenTarget(this.rng, 'access_token', token.id, token.expiresAt, p.id), authServerTarget(this.company)],
      debugData: this.tokenDebugData(grantType, 'openid offline_access mcp:tools mcp:resources'),
      authenticationContext: this.userAuthContext(null),
    })
    return token
  }

  grantPersonRefresh(p: Person, agent: Agent, version: string, t: number): OAuthToken {
    const token = this.token(`oar${this.rng.base62(17)}`, t, REFRESH_TOKEN_LIFETIME, p.id, agent.clientId, p)
    this.add({
      published: t, eventType: 'app.oauth2.as.token.grant.refresh_token', legacyEventType: 'app.oauth2.as.token.grant.refresh_token_success',
      displayMessage: 'OAuth2 refresh token is granted', actor: personActor(p), client: personClient(p, agent.clientId, agentUserAgent(agent, version)),
      target: [tokenTarget(this.rng, 'refresh_token', token.id, token.expiresAt, p.id), authServerTarget(this.company)],
      debugData: this.tokenDebugData('authorization_code', 'openid offline_access mcp:tools mcp:resources'),
      authenticationContext: this.userAuthContext(null),
    })
    return token
  }

  /** A service client's own token (client_credentials), as in log-formats.md §1.4. */
  grantClientAccess(c: ServiceClient, t: number): OAuthToken {
    const token = this.token(`AT.${this.rng.base64url(22)}`, t, ACCESS_TOKEN_LIFETIME, c.clientId, c.clientId, null)
    this.accessTokenIds.add(token.id)
    const scopes = c.servers.map((s) => `${s.name}:read`).join(' ')
    this.add({
      published: t, eventType: 'app.oauth2.as.token.grant.access_token', legacyEventType: 'app.oauth2.as.token.grant.access_token_success',
      displayMessage: 'OAuth2 access token is granted', actor: clientActor(c), client: serviceClient(c),
      target: [tokenTarget(this.rng, 'access_token', token.id, token.expiresAt, c.clientId), authServerTarget(this.company)],
      debugData: this.tokenDebugData('client_credentials', scopes),
      authenticationContext: { authenticationProvider: null, authenticationStep: 0, credentialProvider: null, credentialType: 'JWT', externalSessionId: null, interface: null, issuer: null },
    })
    return token
  }

  /** An explicit revocation of one access token (the person, or an admin, pressed "revoke"). */
  revokeToken(actor: Person, agent: Agent, token: OAuthToken, t: number): void {
    token.revokedAt = t
    this.add({
      published: t, eventType: 'app.oauth2.as.token.revoke', legacyEventType: 'app.oauth2.as.token.revoke_success',
      displayMessage: 'OAuth2 token revocation request', actor: personActor(actor), client: personClient(actor, agent.clientId, BROWSER_UA, 'CHROME'),
      target: [tokenTarget(this.rng, 'access_token', token.id, token.expiresAt, token.subject)],
      debugData: { requestUri: `/oauth2/${this.company.authServerId}/v1/revoke`, url: `/oauth2/${this.company.authServerId}/v1/revoke?`, threatSuspected: 'false' },
      authenticationContext: this.userAuthContext(null),
    })
  }

  /** user.lifecycle.deactivate / suspend, by the HR system's API token or an admin (§1.5). */
  deprovision(p: Person, t: number): void {
    const d = p.departure!
    const admin = this.company.admins[p.index % this.company.admins.length]
    this.add({
      published: t, eventType: `user.lifecycle.${d.kind}`, legacyEventType: null,
      displayMessage: d.kind === 'suspend' ? 'Suspend Okta user' : 'Deactivate Okta user',
      actor: personActor(admin), client: d.viaHrSync ? adminClient('198.51.100.7') : personClient(admin, null, BROWSER_UA, 'CHROME'),
      target: [userTarget(p)], debugData: { requestUri: `/api/v1/users/${p.id}/lifecycle/${d.kind}` },
      authenticationContext: this.userAuthContext(null), apiTokenId: d.viaHrSync ? this.company.hrSyncTokenId : undefined,
    })
  }

  /** "Tokens revoked for user": every token Okta issued to the person. */
  revokeAllFor(p: Person, t: number): void {
    this.add({
      published: t, eventType: 'app.oauth2.token.revoke.implicit.user', legacyEventType: null, displayMessage: 'Tokens revoked for user',
      actor: systemActor(this.company), client: { id: null, ipAddress: EGRESS_IP, userAgent: null }, target: [userTarget(p)],
      debugData: { requestUri: `/api/v1/users/${p.id}/lifecycle/deactivate` }, authenticationContext: { authenticationStep: 0, externalSessionId: null },
    })
  }

  /** Okta's own SSWS API tokens (system.api_token.create / revoke). */
  apiToken(action: 'create' | 'revoke', tokenId: string, name: string, actor: OktaActor, t: number): void {
    const admin = this.company.admins[0]
    this.add({
      published: t, eventType: `system.api_token.${action}`, legacyEventType: `api.token.${action}`,
      displayMessage: action === 'create' ? 'Create API token' : 'Revoke API token', actor,
      client: actor.type === 'User' ? personClient(admin, null, BROWSER_UA, 'CHROME') : { id: null, ipAddress: EGRESS_IP, userAgent: null },
      target: [{ id: tokenId, type: 'Token', alternateId: 'unknown', displayName: name, detailEntry: null }],
      debugData: { requestUri: '/api/internal/tokens' }, authenticationContext: this.userAuthContext(null),
    })
  }

  /** The log in `published` order (ties keep insertion order). */
  sortedLines(): string[] {
    return [...this.events].sort((a, b) => a.t - b.t).map((e) => e.line)
  }

  private add(input: LogEventInput): void {
    this.events.push({ t: input.published, line: JSON.stringify(logEvent(this.rng, input)) })
  }

  private token(id: string, t: number, lifetime: number, subject: string, clientId: string, person: Person | null): OAuthToken {
    return { id, issuedAt: t, expiresAt: wholeSecond(t) + lifetime, revokedAt: null, subject, clientId, person }
  }

  private tokenDebugData(grantType: string, scopes: string): Record<string, string> {
    const uri = `/oauth2/${this.company.authServerId}/v1/token`
    return { requestUri: uri, url: `${uri}?`, grantType, requestedScopes: scopes, grantedScopes: scopes, threatSuspected: 'false' }
  }

  private userAuthContext(credentialType: string | null): Record<string, unknown> {
    return {
      authenticationProvider: credentialType ? 'OKTA_AUTHENTICATION_PROVIDER' : null, authenticationStep: 0,
      credentialProvider: credentialType ? 'OKTA_CREDENTIAL_PROVIDER' : null, credentialType,
      externalSessionId: `102${this.rng.base62(22)}`, interface: null, issuer: null,
    }
  }
}
