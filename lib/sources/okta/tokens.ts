import type { SubjectKind } from '@/lib/sources/types'
import { TOKEN_TARGET_TYPES, isTokenType, type OktaLogEvent, type OktaPrincipal, type TokenTargetType } from '@/lib/sources/okta/log-event'
import type { FactDraft } from '@/lib/sources/okta/facts'
import { rfc3339ToIso } from '@/lib/sources/record-time'
import { actorSubject, requestClientId, targets } from '@/lib/sources/okta/principals'

type TokenTarget = OktaPrincipal & { id: string; type: TokenTargetType }

/** OAuth token targets (type `access_token` / `refresh_token`, id = the token id, e.g. the `AT.…` jti). */
function tokenTargets(event: OktaLogEvent): TokenTarget[] {
  return targets(event).filter((t): t is TokenTarget => isTokenType(t.type) && Boolean(t.id))
}

/** One credential per issued token. Its expiry stays null when Okta logs none (the default applies at query time). */
export function tokenGrantFacts(event: OktaLogEvent): FactDraft[] {
  const clientId = requestClientId(event)
  const grantType = event.debugContext?.debugData?.grantType
  return tokenTargets(event).map((token) => {
    const subjectId = detailText(token, 'subject') || actorSubject(event)?.id || ''
    const service = grantType === 'client_credentials' || subjectId === clientId || subjectId.startsWith('0oa') || subjectId.startsWith('wlp')
    return {
      kind: 'credential',
      subject_kind: subjectKind(subjectId, service),
      subject_id: subjectId,
      client_id: clientId,
      credential_id: token.id,
      credential_type: TOKEN_TARGET_TYPES[token.type],
      issued_at: event.published,
      expires_at: rfc3339ToIso(detailText(token, 'expires')),
    }
  })
}

/** An explicit revocation names each revoked token as a target. */
export function tokenRevocationFacts(event: OktaLogEvent): FactDraft[] {
  return tokenTargets(event).map((token) => ({
    kind: 'revocation',
    client_id: requestClientId(event),
    credential_id: token.id,
    credential_type: TOKEN_TARGET_TYPES[token.type],
  }))
}

/** An SSWS API token, known by its record id (`00T…`); its secret never appears in the log. */
export function apiTokenFacts(event: OktaLogEvent): FactDraft[] {
  const token = apiTokenTarget(event)
  if (!token) return []
  const owner = actorSubject(event)
  return [{
    kind: 'credential',
    subject_kind: owner?.kind ?? '',
    subject_id: owner?.id ?? '',
    client_id: owner?.clientId ?? '',
    credential_id: token,
    credential_type: 'api_key',
    issued_at: event.published,
    expires_at: null,
  }]
}

export function apiTokenRevocationFacts(event: OktaLogEvent): FactDraft[] {
  const token = apiTokenTarget(event)
  return token ? [{ kind: 'revocation', credential_id: token, credential_type: 'api_key' }] : []
}

function apiTokenTarget(event: OktaLogEvent): string | null {
  const token = targets(event).find((t) => t.id?.startsWith('00T') || /^(Api)?Token$/i.test(t.type ?? ''))
  return token?.id || null
}

function detailText(target: OktaPrincipal, key: string): string {
  const value = target.detailEntry?.[key]
  return typeof value === 'string' ? value : ''
}

function subjectKind(subjectId: string, service: boolean): SubjectKind {
  if (!subjectId) return ''
  return service ? 'service' : 'person'
}
