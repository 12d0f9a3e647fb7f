import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { csvRecords, expectMetricsMatchReports, metricValue, reportFetcher, settled } from './report-keys'
import { DEMO_PASSWORD, signInAs } from './sign-in'

// serve.sh ingests test/fixtures/e2e: October 2026 holds most gateway lines, March 2026 Dana Lee's
// deactivation (a trigger) and her tokens. Both periods are walked so every page shows numbers.
const OCTOBER = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }
const MARCH = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' }
const DANA = 'dana.lee@example.com'
const DANA_ACTION = 'af06fe71fea7800724a0252fce4a4485d5a5fcaeac03c4af11f93492a9ccea72'

/** Every route of dashboard.md; `numbers` says whether the page shows report keys. */
const ROUTES = [
  { name: 'overview', path: '/', numbers: true },
  { name: 'attribution', path: '/attribution', numbers: true },
  { name: 'person', path: `/attribution/${encodeURIComponent(DANA)}`, numbers: true },
  { name: 'actions', path: '/actions', numbers: false },
  { name: 'chain-of-custody', path: `/actions/${DANA_ACTION}`, numbers: false },
  { name: 'unattributed', path: '/unattributed', numbers: true },
  { name: 'token-age', path: '/token-age', numbers: true },
  { name: 'revocation-latency', path: '/revocation-latency', numbers: true },
  { name: 'off-gateway', path: '/off-gateway', numbers: false },
  { name: 'coverage', path: '/coverage', numbers: true },
]

const SHOTS = '.test-reports/screenshots'

/** Signs in as the auditor; the first page after sign-in may be the server's first ClickHouse query. */
async function signIn(page: Page, role: 'auditor') {
  await signInAs(page, `${role}@custody.local`, DEMO_PASSWORD)
  await expect(page.getByTestId('signed-in-as')).toHaveText(`${role}@custody.local (${role})`, { timeout: 30_000 })
}

/** What failed on a page, in its own words (Next's route announcer also has role=alert). */
const problems = (page: Page) => page.locator('main [role=alert]')
const query = (p: { from: string; to: string }) => `from=${p.from}&to=${p.to}`

async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
}

test('without a period in the URL, pages show the last full month that has data', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto('/')
  await expect(page.getByTestId('period')).toContainText('2026-10-01 to 2026-10-31')
  await page.getByRole('link', { name: 'Previous month' }).click()
  await expect(page).toHaveURL(/from=2026-09-01T00%3A00%3A00.000Z&to=2026-10-01T00%3A00%3A00.000Z/)
  await expect(page.getByTestId('period')).toContainText('2026-09-01 to 2026-09-30')
})

for (const period of [OCTOBER, MARCH]) {
  test(`every number on every page equals the report JSON (${period.from.slice(0, 7)})`, async ({ page }) => {
    test.setTimeout(180_000)
    await signIn(page, 'auditor')
    const report = reportFetcher(page.request, period)
    let checked = 0
    for (const route of ROUTES) {
      const res = await page.goto(`${route.path}?${query(period)}`)
      expect(res?.status(), route.path).toBe(200)
      await expect(page.locator('h1')).toBeVisible()
      await expect(problems(page)).toHaveCount(0)
      const n = await expectMetricsMatchReports(page, report)
      // every page shows numbers in October; in March Dana Lee has no actions, so her page has none
      if (route.numbers && (period === OCTOBER || route.name !== 'person')) expect(n, `${route.path} shows report numbers`).toBeGreaterThan(0)
      checked += n
      await screenshot(page, `${period.from.slice(0, 7)}-${route.name}`)
    }
    expect(checked).toBeGreaterThan(60)
  })
}

test('an overview number drills down to the actions behind it and to one action’s chain of custody', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto(`/?${query(OCTOBER)}`)
  await settled(page)
  const number = page.locator('.headline', { hasText: 'Use after deprovisioning' }).locator('[data-metric="unattributed.flagged.after_deprovision"]')
  await expect(number).toHaveAttribute('data-value', '2')
  await number.click()
  await expect(page).toHaveURL(/\/actions\?.*flag=after_deprovision/)
  await expect(page.getByTestId('actions-total')).toContainText('2 matching actions')
  await expect(page.getByTestId('action-row')).toHaveCount(2)
  await page.getByTestId('action-row').first().getByRole('link', { name: /Chain of custody/ }).click()
  await expect(page).toHaveURL(new RegExp(`/actions/${DANA_ACTION}`))
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Chain of custody')
  const chain = page.getByTestId('chain')
  await expect(chain).toContainText('query_invoices')
  await expect(chain).toContainText(DANA)
  await expect(page.getByTestId('decision')).toContainText('subject claim')
  await expect(page.getByTestId('decision')).toContainText('after deprovisioning')
  await screenshot(page, 'drill-down-chain')
})

test('lists page with ?page=N&per=: page 2 shows the rows after page 1, with no overlap, and says page N of M', async ({ page }) => {
  await signIn(page, 'auditor')
  const ids = async () => page.getByTestId('action-row').locator('a[href^="/actions/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  await page.goto(`/actions?${query(OCTOBER)}&per=100`)
  const all = await ids()
  expect(all).toHaveLength(8)
  await page.goto(`/actions?${query(OCTOBER)}&per=3`)
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 1 of 3')
  const first = await ids()
  await page.getByRole('link', { name: 'Next →' }).click()
  await expect(page).toHaveURL(/page=2/)
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 2 of 3')
  const second = await ids()
  expect([...first, ...second]).toEqual(all.slice(0, 6))
  await page.goto(`/actions?${query(OCTOBER)}&per=3&page=3`)
  expect(await ids()).toEqual(all.slice(6))
})

test('viewing a person’s page is recorded in the audit trail as view_person', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto(`/attribution/${encodeURIComponent(DANA)}?${query(OCTOBER)}`)
  await expect(page.getByRole('heading', { level: 1, name: DANA })).toBeVisible()
  await page.goto('/audit?action=view_person')
  const row = page.getByTestId('audit-event').first()
  await expect(row.getByTestId('audit-action')).toHaveText('view_person')
  await expect(row).toContainText('auditor@custody.local')
  await expect(row).toContainText(DANA)
})

type Report = Record<string, unknown> & { identities: unknown[]; sources: unknown[]; clients: { grants: number }[] }

/** Each list, the report number its row count must equal, and whether the e2e data leaves it empty. */
const LISTS = [
  { path: '/actions', period: OCTOBER, report: 'unattributed', count: (r: Report) => r.total_actions, header: 'event_id,time,identity,method,reason' },
  { path: '/unattributed', period: OCTOBER, report: 'unattributed', count: (r: Report) => r.unattributed_actions, header: 'event_id,time,identity,method,reason' },
  { path: `/attribution/${encodeURIComponent(DANA)}`, period: OCTOBER, report: 'attribution', count: (r: Report) => metricValue(r, `identities[${DANA}].actions`), header: 'event_id,time,identity' },
  { path: '/attribution', period: OCTOBER, report: 'attribution', count: (r: Report) => r.identities.length, header: 'identity,kind,display_name,owner,actions' },
  { path: '/token-age', period: OCTOBER, report: 'token-age', count: (r: Report) => r.credentials, header: 'credential_id,type,identity,issued_at' },
  { path: '/revocation-latency', period: MARCH, report: 'revocation-latency', count: (r: Report) => r.triggers, header: 'identity,trigger,time,source' },
  { path: '/coverage', period: OCTOBER, report: 'coverage', count: (r: Report) => r.sources.length, header: 'source,events,first_event,last_event' },
  // no grant escaped the gateway in the e2e data: the download is its header alone
  { path: '/off-gateway', period: OCTOBER, report: 'off-gateway', count: (r: Report) => r.clients.reduce((n, c) => n + c.grants, 0), header: 'client', empty: true },
]

test('each list downloads in full as CSV, with as many rows as the report counts', async ({ page }) => {
  test.setTimeout(180_000)
  await signIn(page, 'auditor')
  for (const list of LISTS) {
    await page.goto(`${list.path}?${query(list.period)}`)
    await settled(page)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download .*CSV/ }).first().click()])
    const records = csvRecords(fs.readFileSync((await download.path())!, 'utf8'))
    const expected = list.count((await reportFetcher(page.request, list.period)(list.report)) as Report)
    expect(records[0].join(','), list.path).toContain(list.header)
    expect(records.length - 1, `${list.path} rows = ${list.report}`).toBe(expected)
    if (!list.empty) expect(expected, `${list.path} is not an empty list`).toBeGreaterThan(0)
  }
})

test('an auditor cannot reach export, threshold, user or token controls: 403 pages that say so', async ({ page }) => {
  test.setTimeout(180_000)
  await signIn(page, 'auditor')
  for (const url of ['/users', '/tokens']) {
    const res = await page.request.get(url, { maxRedirects: 0 })
    expect(res.status(), url).toBe(403)
  }
  // the export is a same-origin POST (a GET is 405): the auditor's is refused by the guard
  const exported = await page.request.post('/audit/export', { headers: { origin: new URL(page.url()).origin }, form: { action: 'sign_in' }, maxRedirects: 0 })
  expect(exported.status(), '/audit/export').toBe(403)
  const res = await page.goto('/users')
  expect(res?.status()).toBe(403)
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
  await screenshot(page, 'auditor-403')
  for (const route of ROUTES) {
    await page.goto(`${route.path}?${query(OCTOBER)}`)
    await settled(page)
    const nav = page.getByRole('navigation', { name: 'Main' })
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0)
    await expect(nav.getByRole('link', { name: 'Ingest tokens' })).toHaveCount(0)
    // everyone reads the thresholds (the nav's Thresholds link); no page offers the auditor a way to change or export
    await expect(page.getByRole('main').getByRole('link', { name: /export|threshold|ingest token/i })).toHaveCount(0)
    await expect(page.getByRole('button', { name: /export|threshold|token/i })).toHaveCount(0)
  }
})

test('charts have a title, labelled axes and units, and a table view reachable from the keyboard', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto(`/unattributed?${query(OCTOBER)}`)
  await settled(page)
  const chart = page.locator('figure.chart', { hasText: 'Unattributed actions by server' })
  await expect(chart.locator('svg.recharts-surface')).toBeVisible()
  await expect(chart.locator('.recharts-label')).toHaveText(['server (mcp.target)', 'unattributed (actions)'])
  await expect(chart.locator('.recharts-bar-rectangle')).toHaveCount(4)
  const toggle = chart.getByRole('button', { name: 'Show as table' })
  await toggle.focus()
  await expect(toggle).toBeFocused()
  expect(await toggle.evaluate((b) => getComputedStyle(b).outlineStyle)).not.toBe('none')
  await page.keyboard.press('Enter')
  const table = chart.getByRole('table')
  await expect(table).toBeVisible()
  await expect(table.getByRole('row')).toHaveCount(5)
  await expect(table.getByRole('link', { name: 'crm' })).toHaveAttribute('href', /\/actions\?.*server=crm.*reason=unattributed/)
})

test('a bad period says what is wrong, and an empty period says what to ingest', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto('/token-age?from=yesterday&to=2026-11-01T00:00:00Z')
  await expect(problems(page)).toContainText('from must be an ISO 8601 time')
  await page.goto('/revocation-latency?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z')
  await settled(page)
  await expect(page.getByText('no deprovisioning trigger in this period')).toBeVisible()
  await expect(page.getByText(/custody ingest --source okta/).first()).toBeVisible()
})

test('the reports API answers what `custody report --json` answers on the same fixtures', async ({ page }) => {
  test.setTimeout(300_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-e2e-cli-'))
  const env = { ...process.env, CUSTODY_DATA_DIR: dir }
  const cli = (...args: string[]) => execFileSync('npx', ['tsx', 'lib/cli/main.ts', ...args], { env, encoding: 'utf8' })
  try {
    cli('ingest', '--source', 'okta', 'test/fixtures/e2e/okta.ndjson')
    cli('ingest', '--source', 'gateway', 'test/fixtures/e2e/gateway.ndjson')
    const fromCli = Object.fromEntries(['unattributed', 'attribution'].map((name) => [name, JSON.parse(cli('report', name, '--from', OCTOBER.from, '--to', OCTOBER.to, '--json'))]))
    await signIn(page, 'auditor')
    const api = reportFetcher(page.request, OCTOBER)
    for (const name of Object.keys(fromCli)) {
      const fromApi = (await api(name)) as Record<string, unknown>
      expect({ ...fromApi, generated_at: null }, name).toEqual({ ...fromCli[name], generated_at: null })
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})
