import { expect, test } from '@playwright/test'
import { signIn } from './sign-in'

const period = 'from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z'

test('GET /api/reports/<name> answers the report JSON for a signed-in auditor', async ({ page }) => {
  await signIn(page, 'auditor')
  const response = await page.request.get(`/api/reports/unattributed?${period}`)
  expect(response.status()).toBe(200)
  const report = await response.json()
  expect(report).toMatchObject({ report: 'unattributed', from: '2026-01-01T00:00:00.000Z', total_actions: 10 })
  expect(Object.keys(report.by_reason).sort()).toEqual(['no_credential', 'unknown_credential', 'unmapped_subject'])
  for (const name of ['token-age', 'revocation-latency', 'attribution']) {
    const other = await page.request.get(`/api/reports/${name}?${period}`)
    expect(other.status(), name).toBe(200)
    expect((await other.json()).report).toBe(name)
  }
})

test('the reports API says what was wrong with a request', async ({ page }) => {
  await signIn(page, 'auditor')
  const unknown = await page.request.get(`/api/reports/nonsense?${period}`)
  expect(unknown.status()).toBe(404)
  expect((await unknown.json()).error).toBe('no report named nonsense')
  const bad = await page.request.get('/api/reports/unattributed?from=yesterday&to=2027-01-01T00:00:00Z')
  expect(bad.status()).toBe(400)
  expect((await bad.json()).error).toContain('from must be an ISO 8601 time')
})
