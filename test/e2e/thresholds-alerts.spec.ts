import { expect, test, type Browser, type Page, type Request } from '@playwright/test'
import { signIn, type Role } from './sign-in'

// issue 13: thresholds security staff set (versioned, with a reason) and alerts they acknowledge.

async function asRole(browser: Browser, role: Role): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await signIn(page, role)
  return page
}

/** The browser's own server-action request, sent again from another session. */
async function replay(page: Page, request: Request) {
  const headers = Object.fromEntries(Object.entries(await request.allHeaders()).filter(([k]) => !['cookie', 'host', 'content-length'].includes(k)))
  return page.request.post(request.url(), { headers, data: request.postDataBuffer()!, maxRedirects: 0 })
}

const version = async (page: Page) => {
  await page.goto('/thresholds')
  return Number((await page.getByTestId('threshold-version').locator('strong').textContent()) ?? NaN)
}

test('security changes a threshold with a reason: a new version, its history (also as CSV) and the audit trail; an auditor reads it and is refused the change', async ({ browser }) => {
  const security = await asRole(browser, 'security')
  const before = await version(security)
  const minutes = security.getByLabel('Silent for (minutes)')
  const next = Number(await minutes.inputValue()) === 45 ? 50 : 45
  const old = Number(await minutes.inputValue())
  await minutes.fill(String(next))
  await security.getByLabel('Reason for this change (required)').fill('e2e: quieter sources page sooner')
  const captured = security.waitForRequest((r) => r.method() === 'POST' && Boolean(r.headers()['next-action']))
  await security.getByRole('button', { name: 'Save a new version' }).click()
  const action = await captured
  await expect(security.getByRole('form', { name: 'Change thresholds' }).getByRole('status')).toHaveText(`Saved as version ${before + 1}.`)
  expect(await version(security)).toBe(before + 1)
  const row = security.getByTestId('threshold-change').first()
  await expect(row).toContainText('alert_rules.source_silent.minutes')
  await expect(row).toContainText(`${old}${next}`)
  await expect(row).toContainText('security@custody.local')
  await expect(row).toContainText('e2e: quieter sources page sooner')

  const csv = (await (await security.request.get('/thresholds/history')).body()).toString('utf8')
  const lines = csv.split('\r\n')
  expect(lines[0]).toBe('version,changed_at,changed_by,key,old_value,new_value,reason')
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${before + 1},[^,]+,security@custody.local,alert_rules.source_silent.minutes,${old},${next},e2e: quieter sources page sooner$`)))

  const auditor = await asRole(browser, 'auditor')
  await auditor.goto('/thresholds')
  await expect(auditor.getByLabel('Silent for (minutes)')).toHaveValue(String(next))
  await expect(auditor.getByLabel('Silent for (minutes)')).toBeDisabled()
  await expect(auditor.getByRole('button', { name: 'Save a new version' })).toHaveCount(0)
  const refused = await replay(auditor, action)
  expect(refused.status()).toBe(403)
  expect(await version(auditor)).toBe(before + 1)

  await auditor.goto('/audit?action=threshold_change')
  await expect(auditor.getByTestId('audit-event').first()).toContainText('e2e: quieter sources page sooner')
  await auditor.goto('/audit?action=access_denied')
  await expect(auditor.getByTestId('audit-event').first()).toContainText('thresholds:write')
})

test('a bad value is refused on the page with its field named, and nothing is saved', async ({ browser }) => {
  const security = await asRole(browser, 'security')
  const before = await version(security)
  await security.getByLabel('Unattributed ratio (share, 0–1)').fill('1.5')
  await security.getByLabel('Reason for this change (required)').fill('e2e: a ratio above 1')
  await security.getByRole('button', { name: 'Save a new version' }).click()
  await expect(security.getByRole('form', { name: 'Change thresholds' }).getByRole('status')).toHaveText('Not saved: unattributed_ratio may be at most 1.')
  expect(await version(security)).toBe(before)
})

test('alerts are listed and filtered; security acknowledges one with a comment, the history and the audit trail keep it; an auditor cannot', async ({ browser }) => {
  const security = await asRole(browser, 'security')
  await security.goto('/alerts?state=firing')
  const firing = security.locator('tr[data-state="firing"]')
  await expect(firing.first()).toBeVisible()
  const row = firing.first()
  const id = (await row.getAttribute('data-testid'))!
  const rule = (await row.getAttribute('data-rule'))!
  await expect(row.getByRole('link', { name: 'Show the evidence' })).toHaveAttribute('href', /^\/[a-z-]+(\/|\?)/)

  const auditor = await asRole(browser, 'auditor')
  await auditor.goto('/alerts?state=firing')
  await expect(auditor.getByTestId(id)).toBeVisible()
  await expect(auditor.getByTestId(id).getByRole('button', { name: 'Acknowledge' })).toHaveCount(0)

  await row.getByLabel('Comment').fill('e2e: on it, revoking today')
  await row.getByRole('button', { name: 'Acknowledge' }).click()
  await expect(security.getByTestId(id).getByRole('status')).toHaveText('Acknowledged.')
  await security.goto(`/alerts?state=acknowledged&rule=${rule}`)
  const acknowledged = security.getByTestId(id)
  await expect(acknowledged.getByTestId('alert-state')).toContainText('acknowledged by security@custody.local')
  await acknowledged.getByText(/events$/).click()
  await expect(acknowledged.getByRole('listitem').last()).toContainText('acknowledged by security@custody.local: e2e: on it, revoking today')
  await security.goto(`/alerts?state=firing&rule=${rule}`)
  await expect(security.getByTestId(id)).toHaveCount(0)

  await auditor.goto('/audit?action=alert_acknowledge')
  await expect(auditor.getByTestId('audit-event').first()).toContainText('e2e: on it, revoking today')
  await auditor.goto('/alerts?severity=nonsense')
  await expect(auditor.getByRole('alert')).toHaveText('severity must be one of critical, high, medium')
})
