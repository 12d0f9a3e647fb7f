import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { signIn, type Role } from './sign-in'

// The fixtures' year: the e2e data (test/fixtures/e2e) lies inside it.
const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }
const evidenceUrl = (control: string) => `/evidence?${new URLSearchParams({ ...PERIOD, control })}`
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function asRole(browser: Browser, role: Role): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage()
  await signIn(page, role)
  return page
}

async function download(page: Page, button: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()])
  return fs.readFileSync((await file.path())!)
}

test('a compliance user previews a control, exports its pack and manifest file, and finds the PDF’s SHA-256 in the history', async ({ browser }) => {
  test.setTimeout(180_000)
  const page = await asRole(browser, 'compliance')
  await page.goto(evidenceUrl('CC6.2'))
  await expect(page.getByRole('heading', { name: 'Evidence', level: 1 })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Evidence' })).toHaveAttribute('aria-current', 'page')

  // the preview shows the report's numbers, as every page does
  const report = await (await page.request.get(`/api/reports/revocation-latency?${new URLSearchParams(PERIOD)}`)).json()
  for (const key of ['triggers', 'unresolved', 'post_trigger_actions'] as const) {
    await expect(page.locator(`[data-metric="revocation-latency.${key}"]`)).toHaveAttribute('data-value', String(report[key]))
  }

  const pdf = await download(page, 'Export the PDF')
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  const manifestFile = JSON.parse((await download(page, 'Download its manifest file')).toString('utf8'))
  // one page, one as-of: the manifest file beside the PDF names this very PDF
  expect(manifestFile.pdf_sha256).toBe(sha256(pdf))
  expect(manifestFile.manifest).toMatchObject({ control: 'CC6.2', from: PERIOD.from, to: PERIOD.to })

  await page.goto(evidenceUrl('CC6.2'))
  const newest = page.getByTestId('export-row').first()
  await expect(newest.getByTestId('export-sha256')).toHaveText(sha256(pdf))
  await expect(newest.getByTestId('export-control')).toHaveText('CC6.2')
  await expect(newest).toContainText('compliance@custody.local')
  // the key that signed it is the one the page shows
  await expect(page.getByTestId('active-key').getByTestId('public-key')).toHaveText(manifestFile.public_key)
})

test('a compliance user draws a sample from the keyboard: it is recorded, shown, and downloads as CSV', async ({ browser }) => {
  test.setTimeout(120_000)
  const page = await asRole(browser, 'compliance')
  await page.goto(evidenceUrl('CC7.2'))
  await expect(page.getByRole('table', { name: 'Suggested sample sizes by control frequency' }).locator('tr[data-frequency="daily"]')).toContainText('20–40')
  const seed = `e2e-${Date.now().toString(36)}`
  await page.getByLabel('Population').selectOption('actions')
  await page.getByLabel('Size', { exact: true }).fill('3')
  await page.getByLabel('Seed (recorded with the sample)').fill(seed)
  await page.getByLabel('Seed (recorded with the sample)').press('Enter')
  const sample = page.getByTestId('sample')
  await expect(sample).toContainText(`3 of 10 actions, seed ${seed}`)
  await expect(sample.getByTestId('sample-item')).toHaveCount(3)
  await expect(page.getByTestId('recorded-sample').filter({ hasText: seed })).toHaveCount(1)
  const csvOf = async (link: RegExp) => {
    const [file] = await Promise.all([page.waitForEvent('download'), sample.getByRole('link', { name: link }).click()])
    return fs.readFileSync((await file.path())!, 'utf8')
  }
  const recorded = await csvOf(/Download as CSV/)
  const lines = recorded.split('\r\n').filter(Boolean)
  expect(lines[0]).toBe('event_id,time,identity,method,reason,credential_id,credential_type,server,tool,client,session_id,after_expiry,after_revocation,after_deprovision,conflict')
  expect(lines).toHaveLength(4)
  // drawn again from its arguments (what custody sample takes), it is the same sample
  expect(await csvOf(/Draw it again/)).toBe(recorded)
})

test('an auditor sees the evidence but no export control, and the export endpoint answers 403', async ({ browser }) => {
  const page = await asRole(browser, 'auditor')
  await page.goto(evidenceUrl('all'))
  await expect(page.getByTestId('no-export')).toBeVisible()
  await expect(page.getByRole('button', { name: /Export/ })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Draw and record' })).toHaveCount(0)
  await expect(page.getByTestId('active-key')).toHaveCount(1)
  // posted as the page's form would
  const refused = await page.request.post('/evidence/export', { form: { control: 'all', ...PERIOD, file: 'pdf' } })
  expect(refused.status()).toBe(403)
  expect((await refused.body()).subarray(0, 5).toString('latin1')).not.toBe('%PDF-')
  // reading samples is theirs: any sample drawn again from its arguments, or a clear 400 naming the field
  const again = await page.request.get(`/evidence/sample?${new URLSearchParams({ population: 'credentials', ...PERIOD, size: '2', seed: 'auditor' })}`)
  expect(again.status()).toBe(200)
  expect((await again.text()).split('\r\n')[0]).toBe('credential_id,type,identity,issued_at,expires_at,revoked_at,age_days,over_max_age,last_used_at,source')
  const bad = await page.request.get(`/evidence/sample?${new URLSearchParams({ population: 'people', ...PERIOD, size: '2', seed: 'x' })}`)
  expect([bad.status(), (await bad.json()).field]).toEqual([400, 'population'])
  expect((await page.request.get('/evidence/sample?id=00000000-0000-4000-8000-000000000000')).status()).toBe(404)
})
