import { expect, test } from '@playwright/test'
import { signIn } from './sign-in'

// An admin makes an ingest token on the dashboard, a sender uses it, the admin revokes it.
// The posted action lies in 2025, outside every period the other specs read from this server.
const line = (id: string) => JSON.stringify({ time: '2025-06-03T14:22:05Z', 'mcp.method.name': 'tools/call', event_id: `e2e-token-${id}` })

test('an admin creates a token, sees it once, a sender posts with it, and revoking it refuses the next post', async ({ page, request }) => {
  await signIn(page, 'admin')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ingest tokens' }).click()
  await expect(page.getByRole('heading', { name: 'Ingest tokens' })).toBeVisible()
  const name = `fluent-bit-${Date.now().toString(36)}`
  await page.getByLabel('Name').fill(name)
  await page.getByLabel('gateway', { exact: true }).check()
  await page.getByRole('button', { name: 'Create' }).click()
  const shown = page.getByTestId('new-token')
  await expect(shown).toHaveText(/^cit_[\w-]{43}$/)
  const token = (await shown.textContent())!

  const post = (body: string) => request.post('/api/ingest/gateway', { data: body, headers: { authorization: `Bearer ${token}` } })
  const first = await post(line('1'))
  expect(first.status()).toBe(200)
  expect(await first.json()).toMatchObject({ source: 'gateway', read: 1, accepted: 1, duplicates: 0, rejected: 0 })
  expect(await (await post(line('1'))).json()).toMatchObject({ read: 1, accepted: 0, duplicates: 1 })
  expect((await request.post('/api/ingest/okta', { data: '{}', headers: { authorization: `Bearer ${token}` } })).status()).toBe(403)

  await page.reload()
  await expect(page.getByText(token)).toHaveCount(0) // shown once, never again
  const row = page.locator('tr', { hasText: name })
  await expect(row.getByTestId('status')).toHaveText('valid')
  await expect(row).toContainText('admin@custody.local')
  await row.getByRole('button', { name: 'Revoke' }).click()
  await expect(row.getByRole('form', { name: `Revoke ${name}` }).getByRole('status')).toHaveText(`Revoked ${name}: it is refused from the next request.`)
  await expect(row.getByTestId('status')).toHaveText(/^revoked /)
  await expect(row.getByRole('button', { name: 'Revoke' })).toBeDisabled()
  expect((await post(line('2'))).status()).toBe(401)
  await page.reload()
  await expect(page.locator('tr', { hasText: name }).getByTestId('status')).toHaveText(/^revoked /)

  await page.goto('/audit')
  await expect(page.getByRole('main')).toContainText('ingest_token_change')
})
