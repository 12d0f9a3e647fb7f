import { query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { subClaimsCte, userClaimsCte } from '../claims'
import { credentialSubjectsCte, subjectRevocationsCte } from '../credential-subjects'
import { credentialRowsCte, gatewayCredentialEvidenceCte, gatewayCredentialEvidenceWhereCte, idpCredentialEvidenceCte } from '../credentials'
import { withCtes, type Cte } from '../cte'
import { identitiesCte } from '../identities'
import { factsCte, factsWhereCte } from '../inputs'
import { storedCredentialSubjectsCte, storedSubjectsCte, generation, type Generation } from '../stored'
import { subjectsCte } from '../subjects'
import { triggersCte } from '../triggers'
import { CREDENTIAL_COLUMNS, credentialAttributionKey, localTable, newVersion, run } from './tables'

const IDP_TABLES = [
  'attribution_subjects',
  'attribution_credential_subjects',
  'attribution_claims',
  'attribution_credentials',
  'attribution_triggers',
  'attribution_identities',
] as const

/**
 * Builds IdP generation `id` from every stored fact with the from-scratch CTEs (oracle.ts), one
 * table at a time, each later one reading the subjects (and credential subjects) just stored.
 * Cost: one sort of the facts per table (~0.3 s of CPU per 600k facts each).
 */
export async function buildIdpGeneration(id: number): Promise<void> {
  const g = generation(id)
  const subjects = storedSubjectsCte(g)
  await run(
    sql`INSERT INTO attribution_subjects (generation, source, subject_id, kind, email, identity)
      ${withCtes([factsCte, subjectsCte])} SELECT ${g}, source, subject_id, kind, email, identity FROM subjects`,
    'idp:subjects',
  )
  await run(
    sql`INSERT INTO attribution_credential_subjects (generation, credential_id, identity, issuer_source, issuer_subject)
      ${withCtes([factsCte, subjects, credentialSubjectsCte])}
      SELECT ${g}, credential_id, identity, issuer_source, issuer_subject FROM credential_subjects`,
    'idp:credential-subjects',
  )
  await run(
    sql`INSERT INTO attribution_claims (generation, claim_kind, claim, identity)
      ${withCtes([factsCte, subjects, subClaimsCte, userClaimsCte])}
      SELECT ${g}, 'sub', claim, identity FROM sub_claims UNION ALL SELECT ${g}, 'user', claim, identity FROM user_claims`,
    'idp:claims',
  )
  await writeCredentialRows(g, [factsCte, storedCredentialSubjectsCte(g), gatewayCredentialEvidenceCte])
  await run(
    sql`INSERT INTO attribution_triggers (generation, event_id, fact_index, time, identity, source, vendor_event_type)
      ${withCtes([factsCte, subjects, triggersCte])}
      SELECT ${g}, event_id, fact_index, time, identity, source, vendor_event_type FROM triggers`,
    'idp:triggers',
  )
  await run(
    sql`INSERT INTO attribution_identities (generation, identity, kind, display_name, owner, ownerless)
      ${withCtes([factsCte, subjects, identitiesCte])}
      SELECT ${g}, identity, kind, display_name, owner, ownerless FROM identities`,
    'idp:identities',
  )
}

/** The credential rows of `inputs` (facts, credential_subjects, gateway evidence), stored into generation `g`. */
function writeCredentialRows(g: Generation, inputs: Cte[]): Promise<void> {
  return run(
    sql`INSERT INTO attribution_credentials (generation, ${CREDENTIAL_COLUMNS}, version)
      ${withCtes(credentialRowInputs(inputs))}
      SELECT ${g}, ${CREDENTIAL_COLUMNS}, ${newVersion} FROM credential_rows`,
    'idp:credentials',
  )
}

function credentialRowInputs([facts, credentialSubjects, gatewayEvidence]: Cte[]): Cte[] {
  return [facts, credentialSubjects, subjectRevocationsCte, idpCredentialEvidenceCte, gatewayEvidence, credentialRowsCte]
}

function credentialKeys(g: Generation): SqlFragment {
  return sql`(SELECT credential_id, ${credentialAttributionKey} AS attribution_key FROM attribution_credentials FINAL WHERE generation = ${g})`
}

/**
 * Marks what differs between IdP generations `before` and `after` for the actions: the
 * credentials whose subject, type, issue, logged expiry or revocation changed, the `sub` and
 * `user` claims whose identity changed, and the identities whose first trigger moved.
 */
export async function markIdpChanges(runId: string, before: number, after: number): Promise<void> {
  const [old, fresh] = [generation(before), generation(after)]
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT ${runId}, 'credential', if(n.credential_id != '', n.credential_id, o.credential_id)
      FROM ${credentialKeys(fresh)} AS n
      FULL OUTER JOIN ${credentialKeys(old)} AS o ON o.credential_id = n.credential_id
      WHERE n.attribution_key != o.attribution_key`,
    'idp:changed-credentials',
  )
  const claims = (g: Generation) => sql`(SELECT toString(claim_kind) AS kind, claim, identity FROM attribution_claims WHERE generation = ${g})`
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT ${runId}, if(n.kind != '', n.kind, o.kind), if(n.kind != '', n.claim, o.claim)
      FROM ${claims(fresh)} AS n
      FULL OUTER JOIN ${claims(old)} AS o ON o.kind = n.kind AND o.claim = n.claim
      WHERE n.identity != o.identity`,
    'idp:changed-claims',
  )
  const firsts = (g: Generation) => sql`(SELECT identity, toString(min(time)) AS first_trigger FROM attribution_triggers WHERE generation = ${g} GROUP BY identity)`
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT ${runId}, 'identity', if(n.identity != '', n.identity, o.identity)
      FROM ${firsts(fresh)} AS n
      FULL OUTER JOIN ${firsts(old)} AS o ON o.identity = n.identity
      WHERE n.first_trigger != o.first_trigger`,
    'idp:changed-triggers',
  )
}

/**
 * After a gateway batch (the requests matching `since`, a condition on ingested_at): recomputes the credential rows of the
 * credentials it presented, in generation `g` (their gateway evidence may have moved: an earlier
 * iat, a later exp, a type) and marks those whose attribution key changed.
 */
export async function refreshPresentedCredentials(runId: string, id: number, since: SqlFragment): Promise<void> {
  const g = generation(id)
  const presented = sql`(SELECT DISTINCT credential_id FROM gateway_requests WHERE ${since} AND credential_id != '')`
  const inputs = [
    factsWhereCte(sql`credential_id IN ${presented} OR kind = 'subject_revocation'`),
    storedCredentialSubjectsCte(g),
    gatewayCredentialEvidenceWhereCte(sql`credential_id IN ${presented}`),
  ]
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      ${withCtes(credentialRowInputs(inputs))}
      SELECT ${runId}, 'credential', n.credential_id
      FROM (SELECT credential_id, ${credentialAttributionKey} AS attribution_key FROM credential_rows) AS n
      LEFT JOIN (SELECT credential_id, ${credentialAttributionKey} AS attribution_key FROM attribution_credentials FINAL
                 WHERE generation = ${g} AND credential_id IN ${presented}) AS o ON o.credential_id = n.credential_id
      WHERE n.attribution_key != o.attribution_key`,
    'gateway:changed-credentials',
  )
  await writeCredentialRows(g, inputs)
}

/** Drops IdP generations older than `keep` (a report still reading `keep` finds it whole). */
export async function dropGenerationsBefore(keep: number): Promise<void> {
  for (const table of IDP_TABLES) {
    const parts = await query<{ generation: string }>(
      sql`SELECT DISTINCT generation FROM ${unsafeRawSql(table)} WHERE generation < ${generation(keep)}`,
      { tag: 'attribution:old-generations' },
    )
    for (const { generation: old } of parts) {
      if (!/^\d+$/.test(String(old))) throw new Error(`dropGenerationsBefore: bad generation ${old}`)
      await run(sql`ALTER TABLE ${localTable(table)} DROP PARTITION ${unsafeRawSql(String(old))}`, 'idp:drop-generation')
    }
  }
}
