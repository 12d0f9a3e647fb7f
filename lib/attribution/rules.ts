import { sql, type SqlFragment } from '@/lib/clickhouse'

/**
 * Rules 1 and 2 for a relation `r` with credential_id, jwt_sub and user_claim: hash joins
 * against small IdP-side sets that add `cs.identity` (rule 1: the subject of a known
 * credential) and `sc`/`uc` (rule 2: a `sub` or `user` claim that maps to an identity; a
 * validated `sub` is preferred). `credentialSet` is `credential_subjects` (IdP side only) or
 * `credential_rows` (which also brings type, logged expiry, issue time and revocation for the
 * flags, in the same join).
 */
export function directJoins(credentialSet: 'credential_subjects' | 'credential_rows'): SqlFragment {
  const credential =
    credentialSet === 'credential_rows'
      ? sql`LEFT JOIN (SELECT credential_id, subject AS identity, type, explicit_expires, issued_at, revoked_at FROM credential_rows) AS cs`
      : sql`LEFT JOIN credential_subjects AS cs`
  return sql`
    ${credential} ON cs.credential_id = r.credential_id
    LEFT JOIN sub_claims AS sc ON sc.claim = r.jwt_sub
    LEFT JOIN user_claims AS uc ON uc.claim = lower(r.user_claim)`
}

export const credentialIdentity: SqlFragment = sql`cs.identity`
export const claimIdentity: SqlFragment = sql`if(sc.identity != '', sc.identity, uc.identity)`
