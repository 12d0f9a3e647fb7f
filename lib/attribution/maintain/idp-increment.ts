import { z } from 'zod'
import { joinSql, query, sql, unsafeRawSql, type SqlFragment } from '@/lib/clickhouse'
import { gatewayCredentialEvidenceWhereCte } from '../credentials'
import { latestFactsWhereCte } from '../inputs'
import { generation, storedCredentialSubjectsCte, type Generation } from '../stored'
import {
  writeClaims,
  writeCredentialRows,
  writeCredentialSubjects,
  writeIdentities,
  writeSubjects,
  writeTriggers,
  IDP_COLUMNS,
  type IdpKeys,
  type IdpTable,
} from './idp-side'
import { localTable } from '@/lib/clickhouse/ddl'
import { run } from './tables'

type TouchedKind = 'subject' | 'moved' | 'credential' | 'sub' | 'user' | 'identity'

/** The keys of `kind` run `runId` recomputes, as an IN set (for `subject` and `moved`: (source, subject_id) pairs). */
function touched(runId: string, kind: TouchedKind): SqlFragment {
  return kind === 'subject' || kind === 'moved'
    ? sql`(SELECT source, key FROM attribution_touched WHERE run_id = ${runId} AND kind = ${kind})`
    : sql`(SELECT key FROM attribution_touched WHERE run_id = ${runId} AND kind = ${kind})`
}

/** Every copy of a fact stored since the last run (`newFacts`): an older copy may read differently. */
function newCopies(newFacts: SqlFragment): SqlFragment {
  return sql`(event_id, fact_index) IN (SELECT event_id, fact_index FROM idp_events WHERE ${newFacts})`
}

/** Rows (of facts, subjects) of a subject a new fact names (`subject`), or of one whose identity moved (`moved`). */
function ofSubjects(runId: string, kind: 'subject' | 'moved'): SqlFragment {
  return sql`(toString(source), subject_id) IN ${touched(runId, kind)}`
}

/** The keys of each IdP table that generation `after` recomputed: where it may differ from `before`. */
export function touchedKeys(runId: string): IdpKeys {
  return {
    credentials: sql`credential_id IN ${touched(runId, 'credential')}`,
    claims: sql`(toString(claim_kind), claim) IN (SELECT toString(kind), key FROM attribution_touched WHERE run_id = ${runId} AND kind IN ('sub', 'user'))`,
    identities: sql`identity IN ${touched(runId, 'identity')}`,
  }
}

/**
 * Builds IdP generation `id` from generation `previous` and the facts stored since (`newFacts`,
 * a condition on idp_events' ingested_at), and the gateway requests matching `newRequests`
 * (their credentials' gateway evidence moved). Each table gets `previous`'s rows for the keys
 * nothing new can change, copied, and the others recomputed with the same CTEs as
 * buildIdpGeneration over the facts of those keys only. The closure (MAINTAINED.md, "The IdP
 * generation, step by step"):
 * - subjects: those a new fact, or any other copy of one, names (all copies: a re-delivery
 *   read differently moves a fact between subjects); of those, the `moved` ones: identity or
 *   kind changed, appeared or gone, or revoked subject-wide by a new fact (touchMovedSubjects);
 * - credentials: those a new fact names, those any fact of a moved subject names (the issuer's
 *   identity, argMin's tie on identity, a subject-wide revocation by the issuer), those new
 *   requests presented;
 * - claims: the moved subjects' ids (`sub`); their old and new e-mails, their facts' logins and
 *   the new facts' logins (`user`), recomputed over every subject and every fact with that
 *   login (min ties);
 * - identities: the touched subjects' old and new identities, and the services whose owner is
 *   a moved subject, recomputed from all facts of their subjects;
 * - triggers: those of the moved subjects' old and new identities, and the new facts' own.
 * Returns the keys recomputed, for markIdpChanges.
 */
export async function buildIdpGenerationFrom(runId: string, previous: number, id: number, newFacts: SqlFragment, newRequests: SqlFragment): Promise<IdpKeys> {
  const [g0, g] = [generation(previous), generation(id)]
  await touchNamedKeys(runId, newFacts)
  const subjects = ofSubjects(runId, 'subject')
  const most = await touchesMostSubjects(runId, g0)
  await writeSubjects(g, latestFactsWhereCte(subjects, most), carried('attribution_subjects', g0, g, subjects))
  await touchReachedKeys(runId, g0, g, newFacts, newRequests)
  const keys = touchedKeys(runId)

  const credentialSubjects = carried('attribution_credential_subjects', g0, g, keys.credentials)
  await writeCredentialSubjects(g, latestFactsWhereCte(keys.credentials), credentialSubjects)
  const [subs, users] = [touched(runId, 'sub'), touched(runId, 'user')]
  const claims = carried('attribution_claims', g0, g, keys.claims)
  // the new facts' logins are their subjects' (an Okta day's actors): as many facts as the subjects'
  await writeClaims(g, latestFactsWhereCte(sql`lower(login) IN ${users}`, most), sql`claim IN ${subs}`, sql`claim IN ${users}`, claims)
  const credentialFacts = latestFactsWhereCte(sql`${keys.credentials} OR kind = 'subject_revocation'`)
  const credentials = carried('attribution_credentials', g0, g, keys.credentials, true)
  await writeCredentialRows(g, [credentialFacts, storedCredentialSubjectsCte(g), gatewayCredentialEvidenceWhereCte(keys.credentials)], credentials)
  // an identity's row reads every fact of its subjects; a trigger row, its own fact and its subject's identity
  const ofIdentities = (identities: SqlFragment) =>
    sql`(toString(source), subject_id) IN (SELECT toString(source), subject_id FROM attribution_subjects WHERE generation = ${g} AND ${identities})`
  const [moved, copies] = [movedIdentities(runId, g0, g), newCopies(newFacts)]
  const triggerFacts = latestFactsWhereCte(sql`kind = 'trigger' AND (${ofIdentities(moved)} OR ${copies})`)
  await writeTriggers(g, triggerFacts, carried('attribution_triggers', g0, g, sql`${moved} OR ${copies}`))
  const identities = carried('attribution_identities', g0, g, keys.identities)
  await writeIdentities(g, latestFactsWhereCte(ofIdentities(keys.identities), most), keys.identities, identities)
  return keys
}

/**
 * Whether the new facts name more than a quarter of the subjects (an Okta day names most people:
 * every event carries its actor). Their facts, and their identities' facts, are then most facts.
 */
async function touchesMostSubjects(runId: string, g0: Generation): Promise<boolean> {
  const rows = await query<unknown>(
    sql`SELECT (SELECT count() FROM attribution_touched WHERE run_id = ${runId} AND kind = 'subject') AS touched,
        (SELECT count() FROM attribution_subjects WHERE generation = ${g0}) AS subjects`,
    { tag: 'attribution:idp:touched-share' },
  )
  const { touched, subjects } = z.object({ touched: z.coerce.number(), subjects: z.coerce.number() }).parse(rows[0])
  return touched * 4 > subjects
}

/** The identities moved subjects had in `g0` or have in `g`: their triggers' rows move with them. */
function movedIdentities(runId: string, g0: Generation, g: Generation): SqlFragment {
  return sql`identity IN (SELECT identity FROM attribution_subjects WHERE generation IN (${g0}, ${g}) AND ${ofSubjects(runId, 'moved')})`
}

/**
 * Generation `g0`'s rows of `table` outside the `recomputed` keys, as generation `g`'s, to be
 * written beside the recomputed ones. `final`: the newest version of each (a gateway run
 * rewrites a presented credential's row), version kept.
 */
function carried(table: IdpTable, g0: Generation, g: Generation, recomputed: SqlFragment, final = false): SqlFragment {
  const [name, list] = [unsafeRawSql(table), unsafeRawSql(IDP_COLUMNS[table])]
  return sql`SELECT ${g}, ${list} FROM ${name} ${unsafeRawSql(final ? 'FINAL' : '')} WHERE generation = ${g0} AND NOT (${recomputed})`
}

/** The subjects and credentials named by a new fact or by any other copy of one (its older reading). */
async function touchNamedKeys(runId: string, newFacts: SqlFragment): Promise<void> {
  await run(
    sql`INSERT INTO attribution_touched (run_id, kind, source, key)
      SELECT DISTINCT ${runId}, named.1, named.2, named.3
      FROM idp_events
      ARRAY JOIN [('subject', toString(source), subject_id), ('credential', '', credential_id)] AS named
      WHERE named.3 != '' AND ${newCopies(newFacts)}`,
    'idp:touched-named',
  )
}

/**
 * The touched subjects whose identity or kind moved between `g0` and `g` (or that only one of
 * them has), and those a new fact revokes subject-wide: only these change what other keys read
 * of a subject (a credential's issuer and its revocations, a claim's identity, an owner).
 */
async function touchMovedSubjects(runId: string, g0: Generation, g: Generation, newFacts: SqlFragment): Promise<void> {
  await run(
    sql`INSERT INTO attribution_touched (run_id, kind, source, key)
      SELECT ${runId}, 'moved', source, subject_id FROM (
        SELECT toString(source) AS source, subject_id, uniqExact(kind, identity) AS readings, count() AS generations
        FROM attribution_subjects WHERE generation IN (${g0}, ${g}) AND ${ofSubjects(runId, 'subject')}
        GROUP BY source, subject_id)
      WHERE readings > 1 OR generations = 1
      UNION ALL
      SELECT ${runId}, 'moved', toString(source), subject_id FROM idp_events
      WHERE kind = 'subject_revocation' AND ${newCopies(newFacts)}`,
    'idp:touched-moved',
  )
}

/** What the touched and moved subjects reach (see buildIdpGenerationFrom), with the credentials `newRequests` presented. */
async function touchReachedKeys(runId: string, g0: Generation, g: Generation, newFacts: SqlFragment, newRequests: SqlFragment): Promise<void> {
  await touchMovedSubjects(runId, g0, g, newFacts)
  const [named, moved] = [ofSubjects(runId, 'subject'), ofSubjects(runId, 'moved')]
  const reached = [
    sql`SELECT 'credential' AS kind, credential_id AS key FROM idp_events WHERE credential_id != '' AND ${moved}`,
    sql`SELECT 'credential', credential_id FROM gateway_requests WHERE credential_id != '' AND ${newRequests}`,
    sql`SELECT 'sub', key FROM attribution_touched WHERE run_id = ${runId} AND kind = 'moved' AND source != 'keys'`,
    sql`SELECT 'user', email FROM attribution_subjects WHERE generation IN (${g0}, ${g}) AND kind = 'person' AND email != '' AND ${moved}`,
    sql`SELECT 'user', lower(login) FROM idp_events WHERE login != '' AND (${moved} OR ${newCopies(newFacts)})`,
    sql`SELECT 'identity', identity FROM attribution_subjects WHERE generation IN (${g0}, ${g}) AND ${named}`,
    sql`SELECT 'identity', identity FROM attribution_subjects WHERE generation = ${g} AND (toString(source), subject_id) IN
      (SELECT toString(source), subject_id FROM idp_events WHERE owner != '' AND (toString(source), owner) IN ${touched(runId, 'moved')})`,
  ]
  await run(
    sql`INSERT INTO attribution_touched (run_id, kind, source, key)
      SELECT DISTINCT ${runId}, kind, '', key FROM (${joinSql(reached, ' UNION ALL ')})`,
    'idp:touched-reached',
  )
}

/** Forgets a run's touched keys, and whatever a crashed run left an hour ago. */
export async function clearTouched(runId: string): Promise<void> {
  await run(sql`ALTER TABLE ${localTable('attribution_touched')} DELETE WHERE run_id = ${runId} OR staged_at < now() - INTERVAL 1 HOUR`, 'clear-touched')
}
