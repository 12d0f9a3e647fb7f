import { query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { subClaimsCte, userClaimsCte } from '../claims'
import { credentialSubjectsCte, subjectRevocationsCte } from '../credential-subjects'
import { credentialRowsCte, gatewayCredentialEvidenceCte, gatewayCredentialEvidenceWhereCte, idpCredentialEvidenceCte } from '../credentials'
import { withCtes, type Cte } from '../cte'
import { identitiesCte } from '../identities'
import { factsCte, latestFactsWhereCte } from '../inputs'
import { storedCredentialSubjectsCte, storedSubjectsCte, generation, type Generation } from '../stored'
import { subjectsCte } from '../subjects'
import { triggersCte } from '../triggers'
import { localTable } from '@/lib/clickhouse/ddl'
import { CREDENTIAL_COLUMN_NAMES, CREDENTIAL_COLUMNS, credentialAttributionKey, newVersion, run } from './tables'

/**
 * Each IdP table's columns after `generation`, in order: what its writer inserts, and what a
 * generation built from the previous one carries over (idp-increment.ts).
 */
export const IDP_COLUMNS = {
  attribution_subjects: 'source, subject_id, kind, email, identity',
  attribution_credential_subjects: 'credential_id, identity, issuer_source, issuer_subject',
  attribution_claims: 'claim_kind, claim, identity',
  attribution_credentials: `${CREDENTIAL_COLUMN_NAMES}, version`,
  attribution_triggers: 'event_id, fact_index, time, identity, source, vendor_event_type',
  attribution_identities: 'identity, kind, display_name, owner, ownerless',
} as const

export type IdpTable = keyof typeof IDP_COLUMNS

export const IDP_TABLES = Object.keys(IDP_COLUMNS) as IdpTable[]

const columnsOf = (table: IdpTable) => unsafeRawSql(IDP_COLUMNS[table])

/**
 * Builds IdP generation `id` from every stored fact with the from-scratch CTEs (oracle.ts), one
 * table at a time, each later one reading the subjects (and credential subjects) just stored.
 * Cost: one sort of the facts per table (~0.3 s of CPU per 600k facts each). The path for a
 * first run and `custody reattribute`; a run with new facts builds from the previous generation
 * (idp-increment.ts) with the same writers, over fewer facts.
 */
export async function buildIdpGeneration(id: number): Promise<void> {
  const g = generation(id)
  await writeSubjects(g, factsCte)
  await writeCredentialSubjects(g, factsCte)
  await writeClaims(g, factsCte, sql`1`, sql`1`)
  await writeCredentialRows(g, [factsCte, storedCredentialSubjectsCte(g), gatewayCredentialEvidenceCte])
  await writeTriggers(g, factsCte)
  await writeIdentities(g, factsCte, sql`1`)
}

/** Rows written by the same statement: another generation's rows carried over (idp-increment.ts), in the table's column order. */
function alongside(carried: SqlFragment | undefined): SqlFragment {
  return carried ? sql`UNION ALL ${carried}` : sql``
}

/** The subjects `facts` name, into generation `g`. */
export function writeSubjects(g: Generation, facts: Cte, carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_subjects (generation, ${columnsOf('attribution_subjects')})
      ${withCtes([facts, subjectsCte])} SELECT ${g}, ${columnsOf('attribution_subjects')} FROM subjects ${alongside(carried)}`,
    'idp:subjects',
  )
}

/** The credentials `facts` name, with their issuing subject as generation `g`'s subjects resolve it. */
export function writeCredentialSubjects(g: Generation, facts: Cte, carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_credential_subjects (generation, ${columnsOf('attribution_credential_subjects')})
      ${withCtes([facts, storedSubjectsCte(g), credentialSubjectsCte])}
      SELECT ${g}, ${columnsOf('attribution_credential_subjects')} FROM credential_subjects ${alongside(carried)}`,
    'idp:credential-subjects',
  )
}

/** The `sub` claims matching `subs` and `user` claims matching `users`, over generation `g`'s subjects and the logins of `facts`. */
export function writeClaims(g: Generation, facts: Cte, subs: SqlFragment, users: SqlFragment, carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_claims (generation, ${columnsOf('attribution_claims')})
      ${withCtes([facts, storedSubjectsCte(g), subClaimsCte, userClaimsCte])}
      SELECT ${g}, 'sub', claim, identity FROM sub_claims WHERE ${subs}
      UNION ALL SELECT ${g}, 'user', claim, identity FROM user_claims WHERE ${users} ${alongside(carried)}`,
    'idp:claims',
  )
}

/** The triggers among `facts`, with the identity generation `g`'s subjects give them. */
export function writeTriggers(g: Generation, facts: Cte, carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_triggers (generation, ${columnsOf('attribution_triggers')})
      ${withCtes([facts, storedSubjectsCte(g), triggersCte])}
      SELECT ${g}, ${columnsOf('attribution_triggers')} FROM triggers ${alongside(carried)}`,
    'idp:triggers',
  )
}

/** The identities matching `where` of `facts`' subjects (all of each identity's facts must be among them). */
export function writeIdentities(g: Generation, facts: Cte, where: SqlFragment, carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_identities (generation, ${columnsOf('attribution_identities')})
      ${withCtes([facts, storedSubjectsCte(g), identitiesCte])}
      SELECT ${g}, ${columnsOf('attribution_identities')} FROM identities WHERE ${where} ${alongside(carried)}`,
    'idp:identities',
  )
}

/** The credential rows of `inputs` (facts, credential_subjects, gateway evidence), stored into generation `g`. */
export function writeCredentialRows(g: Generation, inputs: Cte[], carried?: SqlFragment): Promise<void> {
  return run(
    sql`INSERT INTO attribution_credentials (generation, ${columnsOf('attribution_credentials')})
      ${withCtes(credentialRowInputs(inputs))}
      SELECT ${g}, ${CREDENTIAL_COLUMNS}, ${newVersion} FROM credential_rows ${alongside(carried)}`,
    'idp:credentials',
  )
}

function credentialRowInputs([facts, credentialSubjects, gatewayEvidence]: Cte[]): Cte[] {
  return [facts, credentialSubjects, subjectRevocationsCte, idpCredentialEvidenceCte, gatewayEvidence, credentialRowsCte]
}

/** Which keys of each IdP table two generations may differ in: every key, or those a run recomputed (idp-increment.ts). */
export type IdpKeys = { credentials: SqlFragment; claims: SqlFragment; identities: SqlFragment }

const EVERY_KEY: IdpKeys = { credentials: sql`1`, claims: sql`1`, identities: sql`1` }

function credentialKeys(g: Generation, keys: SqlFragment): SqlFragment {
  return sql`(SELECT credential_id, ${credentialAttributionKey} AS attribution_key, presented FROM attribution_credentials FINAL WHERE generation = ${g} AND ${keys})`
}

/**
 * Marks what differs between IdP generations `before` and `after` for the actions: the
 * credentials whose subject, type, issue, logged expiry or revocation changed and that some stored
 * request presents (no action can present the others: an Okta day's new grants, whose gateway
 * file comes later; their marks would make re-attribution read every request), the `sub` and
 * `user` claims whose identity changed, and the identities whose first trigger moved. Only
 * among `keys`: a generation built from the previous one differs from it nowhere else.
 */
export async function markIdpChanges(runId: string, before: number, after: number, keys: IdpKeys = EVERY_KEY): Promise<void> {
  const [old, fresh] = [generation(before), generation(after)]
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT ${runId}, 'credential', if(n.credential_id != '', n.credential_id, o.credential_id)
      FROM ${credentialKeys(fresh, keys.credentials)} AS n
      FULL OUTER JOIN ${credentialKeys(old, keys.credentials)} AS o ON o.credential_id = n.credential_id
      WHERE n.attribution_key != o.attribution_key AND (n.presented = 1 OR o.presented = 1)`,
    'idp:changed-credentials',
  )
  const claims = (g: Generation) =>
    sql`(SELECT toString(claim_kind) AS kind, claim, identity FROM attribution_claims WHERE generation = ${g} AND ${keys.claims})`
  await run(
    sql`INSERT INTO attribution_dirty (run_id, kind, key)
      SELECT ${runId}, if(n.kind != '', n.kind, o.kind), if(n.kind != '', n.claim, o.claim)
      FROM ${claims(fresh)} AS n
      FULL OUTER JOIN ${claims(old)} AS o ON o.kind = n.kind AND o.claim = n.claim
      WHERE n.identity != o.identity`,
    'idp:changed-claims',
  )
  const firsts = (g: Generation) =>
    sql`(SELECT identity, toString(min(time)) AS first_trigger FROM attribution_triggers WHERE generation = ${g} AND ${keys.identities} GROUP BY identity)`
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
    // the latest copy of each fact chosen before the filter: a record read again differently may no longer name the credential
    latestFactsWhereCte(sql`credential_id IN ${presented} OR kind = 'subject_revocation'`),
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
