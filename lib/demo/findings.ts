/**
 * What the generator planted, counted while it wrote the lines. Action counts follow
 * metrics.md: agent actions only (not initialize / notifications / ping, not 401/403),
 * each distinct line once (redelivered duplicates are not counted again).
 * test/demo/demo-files.ts recomputes the action counts from the files alone.
 */
export type ActionFindings = {
  /** every agent action written */
  actions: number
  /** `auth.scheme` "none": no credential, no subject */
  anonymousActions: number
  /** an `apiKey.sha256` the inventory does not list */
  unknownApiKeyActions: number
  /** a `jwt.jti` no Okta grant issued (tokens of a staging org) */
  unknownTokenActions: number
  /** no credential, and a `jwt.sub` / `user` that names no one */
  unmappedSubjectActions: number
  /** actions presenting one of the two shared keys */
  sharedKeyActions: number
  /** the presented credential expired before the action */
  afterExpiryActions: number
  /** the presented credential was revoked before the action (Okta revoke, implicit revoke, inventory revoked_at) */
  afterRevocationActions: number
  /** the action's identity had a deactivate / suspend before it */
  afterDeprovisionActions: number
  /** refused requests (401/403), plumbing included */
  deniedRequests: number
  /** 401s for a credential revoked before the request */
  deniedAfterRevocation: number
}

export type DemoFindings = ActionFindings & {
  /** keys presented by several people, from their own addresses and agents */
  sharedApiKeys: number
  /** live inventory keys with expires_at null */
  neverExpiringKeys: number
  /** live inventory keys created more than 90 days before the period's end */
  keysOlderThan90Days: number
  /** people deactivated or suspended in the period */
  departures: number
  /** departures whose tokens Okta revoked more than an hour after the trigger */
  revokedLate: number
  /** departures whose tokens Okta never revoked */
  neverRevoked: number
  /** app.oauth2.as.token.revoke events (a token revoked mid-session) */
  explicitRevocations: number
  /** gateway lines written twice */
  duplicateLines: number
}

export function noActionFindings(): ActionFindings {
  return {
    actions: 0, anonymousActions: 0, unknownApiKeyActions: 0, unknownTokenActions: 0, unmappedSubjectActions: 0, sharedKeyActions: 0,
    afterExpiryActions: 0, afterRevocationActions: 0, afterDeprovisionActions: 0, deniedRequests: 0, deniedAfterRevocation: 0,
  }
}
