import { expect, test } from '@playwright/test'
import { signIn } from './sign-in'

// serve.sh ingests test/fixtures/e2e: 14 gateway lines (10 of them agent actions) and 5 Okta events.
test('the overview shows what each source delivered, from ClickHouse', async ({ page }) => {
  await signIn(page, 'auditor')
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible()
  await expect(page.getByTestId('agent-actions')).toHaveText('10')
  const gateway = page.getByTestId('source-gateway')
  await expect(gateway.getByRole('cell').nth(1)).toHaveText('14')
  await expect(gateway.getByRole('cell').nth(2)).toHaveText('10')
  await expect(gateway.getByRole('cell').nth(4)).toHaveText('2026-10-04 15:34:00Z')
  const okta = page.getByTestId('source-okta')
  await expect(okta.getByRole('cell').nth(1)).toHaveText('5')
  await expect(okta.getByRole('cell').nth(4)).toHaveText('2026-03-04 16:02:18Z')
  // the chart is drawn, one bar per source, and labelled for screen readers
  await expect(page.locator('svg.recharts-surface')).toBeVisible()
  await expect(page.locator('.recharts-bar-rectangle')).toHaveCount(2)
  await expect(page.getByRole('img', { name: /gateway: 14 events, okta: 5 events/ })).toBeVisible()
  await expect(page.getByRole('table').first().getByRole('row')).toHaveCount(3)
})
