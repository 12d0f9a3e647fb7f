/**
 * The exported lib/ functions that read or change evidence or app state WITHOUT calling
 * requirePermission, and why each needs no guard. Adding an entry is a security review.
 *
 * The rule (test/auth/guard-inventory.test.ts): every exported function under lib/ that reaches
 * ClickHouse or the app store (@/lib/clickhouse, @/db, or another such function) is declared
 *
 *     export async function name(actor: Actor, …) {
 *       requirePermission(actor, '<permission>')
 *
 * or is named here: by `file#name`, or by a folder ending in `/` for a whole layer nobody
 * reaches from the dashboard. Entries that no longer match anything, or whose function now
 * guards, fail the test, so this list stays true.
 */
export const UNGUARDED: Record<string, string> = {
  'lib/cli/': 'the command line: runs as the OS user who owns the data dir (or holds the server credentials), with no dashboard session',
  'lib/ingest/': 'ingest runs from the command line as the data dir owner; an HTTP intake must guard its own entry in app/',
  'lib/attribution/maintain/': 'keeps the stored attribution current after each stored ingest batch and before a guarded report or population reads it; writes only state derived from the evidence and returns none of it',
  'lib/auth/adapter.ts#custodyAdapter': "sign-in itself: next-auth's store of accounts and sessions, used before there is an actor",
  'lib/auth/credentials.ts#credentialsProvider': 'sign-in itself: checks a password before there is an actor',
  'lib/auth/options.ts#authOptions': "sign-in itself: next-auth's configuration, served by the public /api/auth route",
  'lib/auth/password-sign-in.ts#signInWithPassword': 'sign-in itself: checks a password (after taking a throttling turn) before there is an actor',
  'lib/auth/password-sign-in.ts#signInLimitsOf': 'sign-in throttling, asked before there is an actor',
  'lib/auth/sign-in-limits.ts#SignInLimits': 'sign-in throttling counters, kept before there is an actor',
  'lib/auth/sessions.ts#startSession': 'the session store under sign-in and the guard',
  'lib/auth/sessions.ts#sessionUser': 'the session store under the guard',
  'lib/auth/sessions.ts#endSession': 'the session store under sign-out',
  'lib/auth/audit-trail.ts#recordAudit': 'the audit writer: called inside guarded changes and by sign-in, never to read',
  'lib/users/manage.ts#acceptInvite': 'before sign-in: the one-time invitation token is the authority',
  'lib/users/index.ts#findUserByEmail': 'sign-in looks up the account it checks; takes the store from its caller',
  'lib/users/index.ts#listUsers': 'takes the store from its caller: the demo seed and tests; the users page goes through usersForAdmin',
  'lib/users/seed.ts#seedDemoUsers': 'the demo command seeds its accounts; no dashboard entry',
  'lib/intake/token-credential.ts#recordTokenCredential': "stores an ingest token's state as credential evidence, called inside the guarded token changes",
  'lib/thresholds/in-force.ts#thresholdsInForce': 'the thresholds a report is asked with, read inside the guarded evidenceReport',
  'lib/thresholds/in-force.ts#storedThresholds': "what thresholdsInForce reads; also read by custody report's worker thread (lib/cli, the data dir owner) for the guarded evidenceReport",
  'lib/thresholds/in-force.ts#settingsInForce': 'the settings in force, read inside the guarded threshold functions (lib/thresholds/change.ts) and by the alert evaluation',
  'lib/alerts/breaches/': "the alert rules' queries: run only by evaluateAlerts; what they find reaches people through alertList, which guards",
  'lib/alerts/evaluate.ts#evaluateAlerts': 'runs after an ingest (CLI, intake) and on the server schedule with no person behind it: reads evidence, writes alert state, answers only the CLI',
  'lib/alerts/evaluate.ts#evaluateAlertsAfterIngest': 'evaluateAlerts after `custody ingest`, skipped when the inputs it read last are unchanged; no person behind it',
  'lib/alerts/evaluate.ts#evaluateAlertsSoon': 'evaluateAlerts asked for by the intake and the schedule, with no person behind them',
  'lib/alerts/schedule.ts#scheduleAlertEvaluation': "the server's evaluation schedule, started by instrumentation.ts at start-up",
  'lib/alerts/newest-event.ts#newestEventTime': 'where alert windows end: read by evaluateAlerts only',
  'lib/alerts/state.ts#recordEvaluation': 'stores what evaluateAlerts found; takes the store from its caller',
  'lib/alerts/state.ts#lastEvaluation': "what the previous evaluation read, for evaluateAlertsAfterIngest; takes the store from its caller",
  'lib/alerts/state.ts#unresolvedAlerts': "evaluateAlerts' answer; takes the store from its caller",
  'lib/reports/common.ts#reportRow': "runs one report's query for the report functions below",
  'lib/reports/index.ts#REPORTS': 'the report registry; the dashboard reaches it only through evidenceReport (lib/reports/run.ts), which guards',
  'lib/reports/index.ts#REPORT_NAMES': 'the report names, for the CLI and the API route',
  'lib/reports/index.ts#runReport': 'runs a report by name for evidenceReport, which guards, and the CLI',
  'lib/custody-chain/credential.ts#credentialFacts': "one step of an action's chain of custody: reached only through custodyChain (lib/custody-chain/index.ts), which guards",
  'lib/custody-chain/decision.ts#decisionFor': "one step of an action's chain of custody: reached only through custodyChain (lib/custody-chain/index.ts), which guards",
  'lib/custody-chain/idp-records.ts#idpRecords': "one step of an action's chain of custody: reached only through custodyChain (lib/custody-chain/index.ts), which guards",
  'lib/custody-chain/request.ts#gatewayRecord': "one step of an action's chain of custody: reached only through custodyChain (lib/custody-chain/index.ts), which guards",
  'lib/custody-chain/seed.ts#sessionSeed': "one step of an action's chain of custody: reached only through custodyChain (lib/custody-chain/index.ts), which guards",
  'lib/populations/population.ts#readPage': "runs one population's query for the population functions (actionsPage, credentialsPage, …), which guard",
  'lib/populations/population.ts#readAll': "streams one population's query for the population functions (allActions, allCredentials, …) and readPackPopulation (lib/evidence/populations.ts), which guard",
  'lib/populations/population.ts#readAllParts': "streams several filters of one population's query for packPopulationReader (lib/evidence/populations.ts), which guards",
  'lib/populations/population.ts#readSample': "draws one population's sample for drawSample (lib/samples/draw.ts), which guards",
  'lib/populations/actions.ts#actionSource': 'builds the actions population query for the guarded actions functions and drawSample',
  'lib/populations/actions.ts#postTriggerActionSource': 'builds the post-trigger actions population query for drawSample and readPackPopulation, which guard',
  'lib/populations/actions.ts#actionsAndPostTriggerSource': "builds one query for the period's actions and the post-trigger actions for packPopulationReader (lib/evidence/populations.ts), which guards",
  'lib/populations/credentials.ts#credentialSource': 'builds the credentials population query for the guarded credentials functions and drawSample',
  'lib/populations/triggers.ts#triggerSource': 'builds the triggers population query for the guarded triggers functions and drawSample',
  'lib/populations/identities.ts#identitySource': 'builds the identities population query for drawSample and readPackPopulation, which guard',
  'lib/populations/thresholds.ts#populationThresholds': 'reads the thresholds in force for the population query builders above (the store functions and readPackPopulation, which guard)',
  'lib/samples/populations.ts#SAMPLED': 'the sample population registry; reached only through drawSample (lib/samples/draw.ts), which guards',
  'lib/reports/unattributed.ts#unattributedReport': 'one report: reached through evidenceReport, which guards',
  'lib/reports/token-age.ts#tokenAgeReport': 'one report: reached through evidenceReport, which guards',
  'lib/reports/revocation-latency.ts#revocationLatencyReport': 'one report: reached through evidenceReport, which guards',
  'lib/reports/attribution.ts#attributionReport': 'one report: reached through evidenceReport, which guards',
  'lib/reports/off-gateway.ts#offGatewayReport': 'one report: reached through evidenceReport, which guards',
  'lib/reports/coverage.ts#coverageReport': 'one report: reached through evidenceReport, which guards',
  'lib/notifications/index.ts#notifyAlertChanges': 'alert evaluation queues the notifications of alerts that changed state, after an ingest or on the server\'s schedule, with no person acting',
  'lib/notifications/worker.ts#deliverDueNotifications': 'the delivery worker: sends what is queued, on the server\'s schedule and after `alerts run`; inside the guarded sendTestNotification',
  'lib/notifications/schedule.ts#startNotificationWorker': "the delivery worker's schedule inside the server, started by instrumentation.ts",
  'lib/store/shutdown.ts#closeStoresOnSignal': "closes the server's own stores when it is asked to stop, registered by instrumentation.ts; reads nothing",
  'lib/notifications/worker.ts#drainNotifications': 'the delivery worker, run by the CLI after `alerts run` until the queue is empty',
}

/**
 * The unguarded ones pages and route handlers may import. Every other unguarded function
 * stays out of app/ (but for the public entries), so "reached only through X" stays true.
 */
export const UNGUARDED_IN_APP: Record<string, string> = {
  'lib/auth/current.ts#currentActor': 'the guard itself',
  'lib/auth/current.ts#signedInActor': 'the guard itself, for pages any signed-in user may see',
  'lib/reports/index.ts#isReportName': 'checks a report name; runs no report',
  'lib/alerts/evaluate.ts#evaluateAlerts': "`custody alerts run` beside a running dashboard (app/api/local/alerts/run): the local handoff token is the authority, as for the CLI's reports",
  'lib/intake/receive.ts#receiveRecords': 'the HTTP intake: its first step is checkIngestToken (the ingest token is the authority; a sender has no session)',
  'lib/intake/receive.ts#receiveOtlp': 'the OTLP/HTTP intake: its first step is checkIngestToken, as receiveRecords',
  'lib/intake/tokens.ts#checkIngestToken': "the intake's guard: an unknown, revoked or expired token is 401, a source it does not allow 403",
}
