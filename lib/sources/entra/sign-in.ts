import { z } from 'zod'
import type { SignIn } from '@microsoft/microsoft-graph-types'
import { requiredTime } from '../record-fields'
import { personIdentity, serviceIdentity, vendorShaped, vendorText, type FactDraft } from '../vendor-record'
import { entraId, entraUpn } from './principal'

/**
 * A Graph signIn (v1.0 or beta; log-formats.md §2.1), as far as Custody reads it. v1.0 has
 * no `uniqueTokenIdentifier`, `signInEventTypes` or `servicePrincipal*`; they are read when
 * present. Unknown keys are kept.
 */
export const signInRecord = vendorShaped<SignIn>()(
  z.looseObject({
    id: z.string({ error: 'required' }).min(1, 'required'),
    createdDateTime: requiredTime,
    userId: vendorText,
    userPrincipalName: vendorText,
    userDisplayName: vendorText,
    appId: vendorText,
    appDisplayName: vendorText,
    isInteractive: z.boolean({ error: 'expected true or false' }).nullish(),
    // Log Analytics exports write the code as text
    status: z.looseObject({ errorCode: z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)], { error: 'expected a number' }).nullish() }).nullish(),
    // beta
    uniqueTokenIdentifier: vendorText,
    signInEventTypes: z.array(z.string({ error: 'expected a string' })).nullish(),
    servicePrincipalId: vendorText,
    servicePrincipalName: vendorText,
  }),
)

export type EntraSignIn = z.infer<typeof signInRecord>

/** Azure Monitor diagnostic categories → the beta `signInEventTypes` value they hold. */
export const SIGN_IN_CATEGORIES: Record<string, string> = {
  SignInLogs: 'interactiveUser',
  NonInteractiveUserSignInLogs: 'nonInteractiveUser',
  ServicePrincipalSignInLogs: 'servicePrincipal',
  ManagedIdentitySignInLogs: 'managedIdentity',
}

/** `interactiveUser`, `nonInteractiveUser`, `servicePrincipal` or `managedIdentity`. */
export function signInType(signIn: EntraSignIn, category?: string): string {
  const stated = signIn.signInEventTypes?.[0] ?? (category ? SIGN_IN_CATEGORIES[category] : undefined)
  if (stated) return stated
  if (!entraId(signIn.userId) && signIn.appId) return 'servicePrincipal'
  return signIn.isInteractive ? 'interactiveUser' : 'nonInteractiveUser'
}

/**
 * A successful sign-in names who signed in and, where Entra logs it, the token it issued
 * (`uniqueTokenIdentifier` = the token's `uti`): issued to the user, or to the app itself
 * for a service-principal or managed-identity sign-in. A failed sign-in states nothing.
 */
export function signInFacts(signIn: EntraSignIn, type: string, failed: boolean): FactDraft[] {
  if (failed) return []
  const userId = entraId(signIn.userId)
  const appId = entraId(signIn.appId) ?? ''
  const service = !userId || type === 'servicePrincipal' || type === 'managedIdentity'
  const subject: FactDraft | null = service
    ? appId ? serviceIdentity(appId, signIn.servicePrincipalName ?? signIn.appDisplayName ?? '') : null
    : personIdentity(userId, entraUpn(userId, signIn.userPrincipalName), signIn.userDisplayName ?? '')
  if (!subject) return []
  const token = signIn.uniqueTokenIdentifier
  const credential: FactDraft[] = token
    ? [{
        kind: 'credential',
        subject_kind: subject.subject_kind,
        subject_id: subject.subject_id,
        client_id: appId,
        credential_id: token,
        credential_type: 'oauth_access',
        issued_at: signIn.createdDateTime,
      }]
    : []
  return [...credential, subject]
}
