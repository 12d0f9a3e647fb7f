import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { text } from 'node:stream/consumers'
import { expect, test, type APIRequestContext, type Browser, type Page, type Request } from '@playwright/test'
import { ROUTES, type RouteEntry } from '../auth/routes'
import { signIn, signInAs, type Role } from './sign-in'

const ROLES: Role[] = ['auditor', 'compliance', 'security', 'admin']
const MAY: Record<string, Role[]> = {
  'overview:read': ROLES,
  'reports:read': ROLES,
  'people:read': ROLES,
  'audit:read': ROLES,
  'evidence:export': ['compliance', 'security', 'admin'],
  'thresholds:write': ['security', 'admin'],
  'alerts:acknowledge': ['security', 'admin'],
  'users:manage': ['admin'],
  'ingest-tokens:manage': ['admin'],
}
const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3200)
// The IdP keeps the first profile it sees for a login: fresh names every run.
const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`

let idp: ChildProcess | undefined

test.beforeAll(async ({ baseURL }) => {
  idp = spawn(process.execPath, ['test/e2e/oidc-provider.mjs', String(OIDC_PORT), baseURL!], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    idp!.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())
    idp!.once('exit', (code) => reject(new Error(`oidc-provider exited with ${code}`)))
  })
})

test.afterAll(async () => {
  if (!idp || idp.exitCode !== null) return
  idp.kill()
  await once(idp, 'exit')
})

// Every page this file opens must run without a single CSP violation.
const cspViolations: string[] = []
test.afterEach(() => {
  expect(cspViolations.splice(0)).toEqual([])
})

async function newPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  page.on('console', (m) => m.text().includes('Content Security Policy') && cspViolations.push(`${page.url()}: ${m.text()}`))
  return page
}

async function asRole(browser: Browser, role: Role): Promise<Page> {
  const page = await newPage(browser)
  await signIn(page, role)
  return page
}

test('every response carries HSTS, nosniff, a referrer policy and a strict CSP', async ({ request }) => {
  const html = await (await request.get('/signin')).text()
  const chunk = /\/_next\/static\/[^"]+\.js/.exec(html)?.[0]
  expect(chunk).toBeTruthy()
  for (const url of [...ROUTES.map((r) => r.url), '/no-such-page', chunk!]) {
    const res = await request.get(url, { maxRedirects: 0 })
    const h = res.headers()
    expect(Number(/max-age=(\d+)/.exec(h['strict-transport-security'] ?? '')?.[1]), url).toBeGreaterThanOrEqual(31_536_000)
    expect(h['strict-transport-security'], url).toContain('includeSubDomains')
    expect(h['x-content-type-options'], url).toBe('nosniff')
    expect(h['referrer-policy'], url).toBe('same-origin')
    expect(h['content-security-policy'], url).toMatch(/script-src 'self' 'nonce-[\w+/=]+' 'strict-dynamic'/)
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(h['content-security-policy'], url).toContain(directive)
  }
})

test('the sign-in page works from the keyboard, runs under the CSP and says what went wrong', async ({ browser }) => {
  const page = await newPage(browser)
  await page.goto('/signin')
  await expect(page.getByRole('button', { name: 'Sign in with SSO' })).toBeVisible()
  await page.keyboard.type('auditor@custody.local') // the e-mail field has focus on arrival
  await page.keyboard.press('Tab')
  await page.keyboard.type('not-the-password')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong e-mail or password.')
  await expect(page.getByLabel('Password')).toBeFocused() // ready for the next try
  await expect(page.getByLabel('Password')).toHaveAccessibleDescription('Wrong e-mail or password.')
  await page.keyboard.type('custody-demo') // replaces the selected wrong password
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('signed-in-as')).toHaveText('auditor@custody.local (auditor)')
})

test('anonymous visitors are sent to sign in and brought back; the API answers 401', async ({ browser, request }) => {
  const page = await newPage(browser)
  for (const route of ROUTES.filter((r) => r.permission !== 'public')) {
    const res = await call(request, route)
    if (route.kind === 'api') expect(res.status(), route.url).toBe(401)
    else expect([res.status(), res.headers().location], route.url).toEqual([307, `/signin?callbackUrl=${encodeURIComponent(route.url)}`])
  }
  await page.goto('/audit')
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faudit$/)
  await page.getByLabel('E-mail').fill('compliance@custody.local')
  await page.getByLabel('Password').fill('custody-demo')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page).toHaveURL(/\/audit$/)
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible()
})

for (const role of ROLES) {
  test(`${role}: every route answers as the role matrix says, and the page shows only what the role may use`, async ({ browser }) => {
    test.setTimeout(150_000) // roles that may export render an evidence pack among the routes
    const page = await asRole(browser, role)
    for (const route of ROUTES) {
      const allowed = route.permission === 'public' || MAY[route.permission].includes(role)
      const res = await call(page.request, route)
      expect(res.status(), `${role} ${route.url}`).toBe(route.authority ? 401 : allowed ? 200 : 403)
    }
    await page.goto('/')
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' })).toHaveCount(role === 'admin' ? 1 : 0)
    await page.goto('/audit')
    await expect(page.getByRole('button', { name: /Export this population/ })).toHaveCount(role === 'auditor' ? 0 : 1)
    if (role !== 'admin') {
      await page.goto('/users')
      await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible()
    }
    await page.context().close()
  })
}

test('an admin invites, re-roles and disables a user, who feels each change on their next request', async ({ browser }) => {
  const admin = await asRole(browser, 'admin')
  const email = `invitee-${run}@example.test`
  const link = await invite(admin, email, 'auditor')

  const person = await newPage(browser)
  await person.goto(link)
  await person.getByLabel('New password').fill('a long enough password')
  await person.getByLabel('Repeat the password').fill('a long enough password')
  await person.getByRole('button', { name: 'Set password' }).click()
  await expect(person.getByRole('main').getByRole('status')).toHaveText('Your password is set. Sign in with it.')
  await signInAs(person, email, 'a long enough password')
  await expect(person.getByTestId('signed-in-as')).toHaveText(`${email} (auditor)`)

  const row = admin.getByTestId(`user-${email}`)
  await row.getByLabel(`Role of ${email}`, { exact: true }).selectOption('security')
  await row.getByRole('button', { name: 'Change role' }).click()
  await expect(row.getByRole('status').first()).toHaveText('Role changed to security.')
  await person.reload()
  await expect(person.getByTestId('signed-in-as')).toHaveText(`${email} (security)`)

  await row.getByRole('button', { name: 'Disable' }).click()
  await expect(row.getByTestId('status')).toHaveText(/^disabled/)
  await person.goto('/')
  await expect(person).toHaveURL(/\/signin\?.*error=SessionEnded/)
  await expect(person.getByRole('main').getByRole('alert')).toHaveText('Your session has ended. Sign in again.')
  await signInAs(person, email, 'a long enough password')
  await expect(person.getByRole('main').getByRole('alert')).toHaveText('This account is disabled. Ask a Custody admin to enable it.')

  const auditor = await asRole(browser, 'auditor')
  for (const [action, detail] of [['user_invite', '"role":"auditor"'], ['role_change', '"to":"security"'], ['user_disable', '"sessions_ended":1']]) {
    await auditor.goto(`/audit?action=${action}`)
    const entry = auditor.getByTestId('audit-event').filter({ hasText: email }).first()
    await expect(entry).toContainText('admin@custody.local')
    await expect(entry).toContainText(detail)
    await expect(entry).toContainText('127.0.0.1')
  }
})

test('server actions refuse other roles and other sites; only the admin\'s own request goes through', async ({ browser }) => {
  const admin = await asRole(browser, 'admin')
  const email = `target-${run}@example.test`
  await invite(admin, email, 'auditor')
  const row = admin.getByTestId(`user-${email}`)
  const roleShown = async () => {
    await admin.reload()
    return row.getByLabel(`Role of ${email}`, { exact: true }).inputValue()
  }
  // Record the browser's own request for "make them security", then put the role back.
  const captured = admin.waitForRequest((r) => r.method() === 'POST' && Boolean(r.headers()['next-action']))
  await row.getByLabel(`Role of ${email}`, { exact: true }).selectOption('security')
  await row.getByRole('button', { name: 'Change role' }).click()
  const action = await captured
  await expect(row.getByRole('status').first()).toHaveText('Role changed to security.')
  await row.getByLabel(`Role of ${email}`, { exact: true }).selectOption('auditor')
  await row.getByRole('button', { name: 'Change role' }).click()
  await expect(row.getByRole('status').first()).toHaveText('Role changed to auditor.')

  for (const role of ['auditor', 'compliance', 'security'] as const) {
    const other = await asRole(browser, role)
    const res = await replay(other, action)
    expect(res.status(), role).toBe(403)
    await other.context().close()
  }
  expect(await roleShown()).toBe('auditor')
  const anonymous = await newPage(browser)
  // Next answers a server action's redirect with a header the client follows.
  expect((await replay(anonymous, action)).headers()['x-action-redirect']).toMatch(/^\/signin/)
  expect(await roleShown()).toBe('auditor')
  const crossSite = await replay(admin, action, { origin: 'http://evil.example' })
  expect(crossSite.status()).toBeGreaterThanOrEqual(400)
  expect(await roleShown()).toBe('auditor')
  expect((await replay(admin, action)).status()).toBe(200)
  expect(await roleShown()).toBe('security')
})

test('SSO through a real OpenID provider: IdP groups decide the role, no mapped group means no entry', async ({ browser }) => {
  const admin = await ssoSignIn(browser, `admin-${run}`)
  await expect(admin.getByTestId('signed-in-as')).toHaveText(`admin-${run}@sso.example.test (admin)`)
  await admin.goto('/users')
  await expect(admin.getByTestId(`user-admin-${run}@sso.example.test`)).toContainText('SSO')

  const auditor = await ssoSignIn(browser, `auditor-${run}`)
  await expect(auditor.getByTestId('signed-in-as')).toHaveText(`auditor-${run}@sso.example.test (auditor)`)
  expect((await auditor.request.get('/users', { maxRedirects: 0 })).status()).toBe(403)

  const stranger = await ssoSignIn(browser, `nogroup-${run}`)
  await expect(stranger).toHaveURL(/\/signin\?error=NoRole/)
  await expect(stranger.getByRole('main').getByRole('alert')).toContainText('in none of the groups Custody maps to a role')
  await expect(stranger.getByTestId('signed-in-as')).toHaveCount(0)

  // A Custody admin disables the SSO auditor: out on the next request, and the IdP cannot let them back in.
  const localAdmin = await asRole(browser, 'admin')
  await localAdmin.goto('/users')
  await localAdmin.getByTestId(`user-auditor-${run}@sso.example.test`).getByRole('button', { name: 'Disable' }).click()
  await expect(localAdmin.getByTestId(`user-auditor-${run}@sso.example.test`).getByTestId('status')).toHaveText(/^disabled/)
  await auditor.goto('/')
  await expect(auditor).toHaveURL(/\/signin\?.*error=SessionEnded/)
  const again = await ssoSignIn(browser, `auditor-${run}`)
  await expect(again).toHaveURL(/\/signin\?error=AccountDisabled/)

  // An e-mail the IdP has not verified proves nothing about who signs in.
  const unverified = await ssoSignIn(browser, `unverified-admin-${run}`)
  await expect(unverified).toHaveURL(/\/signin\?error=EmailUnverified/)
  await expect(unverified.getByRole('main').getByRole('alert')).toContainText('has not verified your e-mail address')
  await expect(unverified.getByTestId('signed-in-as')).toHaveCount(0)

  await admin.goto('/audit?action=sign_in_failed')
  await expect(admin.getByTestId('audit-event').filter({ hasText: `unverified-admin-${run}@sso.example.test` })).toContainText('"reason":"EmailUnverified"')
  await expect(admin.getByTestId('audit-event').filter({ hasText: `nogroup-${run}@sso.example.test` })).toContainText('"reason":"NoRole"')
  await expect(admin.getByTestId('audit-event').filter({ hasText: `auditor-${run}@sso.example.test` })).toContainText('"reason":"AccountDisabled"')
})

test('failed sign-ins are recorded, and the sixth in a row gets 429 with a wait of a minute, not a lock', async ({ browser }) => {
  const page = await newPage(browser)
  const email = `nobody-${run}@example.test`
  for (let i = 0; i < 5; i++) {
    await signInAs(page, email, `guess-${i}`)
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong e-mail or password.')
  }
  const answer = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'))
  await signInAs(page, email, 'guess-5')
  const res = await answer
  expect(res.status()).toBe(429)
  expect(Number(res.headers()['retry-after'])).toBeGreaterThan(0)
  expect(Number(res.headers()['retry-after'])).toBeLessThanOrEqual(60)
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Too many failed sign-ins. Wait a minute and try again: each further failure makes the wait longer.')

  const auditor = await asRole(browser, 'auditor')
  await auditor.goto('/audit?action=sign_in_failed')
  const rows = auditor.getByTestId('audit-event').filter({ hasText: email })
  await expect(rows).toHaveCount(6)
  await expect(rows.first()).toContainText('"reason":"rate_limited"')
  await expect(rows.last()).toContainText('"reason":"unknown_account"')
  await expect(rows.last()).toContainText('127.0.0.1')
})

test('parallel guesses get no head start: of 12 at once, 5 reach the password check and 7 are refused with 429', async ({ request }) => {
  const email = `parallel-${run}@example.test`
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }
  const guesses = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      request.post('/api/auth/callback/credentials', { form: { email, password: `guess-${i}`, csrfToken, json: 'true' }, maxRedirects: 0 }),
    ),
  )
  expect(guesses.map((r) => r.status()).sort()).toEqual([...Array(5).fill(401), ...Array(7).fill(429)])
})

test('a forged X-Forwarded-For is not the client address: the audit trail and the limits see the real peer', async ({ browser, request }) => {
  const email = `forged-${run}@example.test`
  const { csrfToken } = (await (await request.get('/api/auth/csrf')).json()) as { csrfToken: string }
  const res = await request.post('/api/auth/callback/credentials', {
    form: { email, password: 'guess', csrfToken, json: 'true' },
    headers: { 'x-forwarded-for': '203.0.113.66', 'x-custody-client-address': '203.0.113.67' },
    maxRedirects: 0,
  })
  expect(res.status()).toBe(401)
  const auditor = await asRole(browser, 'auditor')
  await auditor.goto('/audit?action=sign_in_failed')
  const row = auditor.getByTestId('audit-event').filter({ hasText: email })
  await expect(row).toContainText('127.0.0.1')
  await expect(row).not.toContainText('203.0.113.6')
})

test('the audit export is a recorded POST: the button downloads CSV with every cell quoted, a GET or another site gets nothing', async ({ browser }) => {
  const page = await asRole(browser, 'compliance')
  const exportsRecorded = async () => {
    await page.goto('/audit?action=export')
    return page.getByTestId('audit-event').filter({ hasText: 'compliance@custody.local' }).count()
  }
  const before = await exportsRecorded()
  await page.goto('/audit?action=sign_in')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export this population (CSV)' }).click()
  const csv = await text(await (await download).createReadStream())
  const lines = csv.split('\r\n')
  expect(lines[0]).toBe('"id","at","actor","action","target","ip","user_agent","detail"')
  expect(lines.length).toBeGreaterThan(3)
  for (const line of lines.slice(1, -1)) expect(line).toMatch(/^"\d+","[^"]+","[^"]*","sign_in",/)
  expect(lines.at(-1)).toBe('')

  expect((await page.request.get('/audit/export?action=sign_in')).status()).toBe(405)
  const crossSite = await page.request.post('/audit/export', { headers: { origin: 'http://evil.example' }, form: { action: 'sign_in' } })
  expect(crossSite.status()).toBe(403)
  // One more export: the button's. Neither the GET nor the cross-site POST was recorded.
  expect(await exportsRecorded()).toBe(before + 1)
  await expect(page.getByTestId('audit-event').first()).toContainText('"action":"sign_in"')
})

test('signing out ends the session on the server: a copied cookie is worthless afterwards', async ({ browser }) => {
  const page = await asRole(browser, 'security')
  const cookies = await page.context().cookies()
  const session = cookies.find((c) => c.name === '__Host-custody.session-token')
  expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
  expect(session?.domain).not.toMatch(/^\./)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/signin/)
  const thief = await browser.newContext()
  await thief.addCookies(cookies)
  const stolen = await thief.newPage()
  await stolen.goto('/')
  await expect(stolen).toHaveURL(/\/signin\?.*error=SessionEnded/)
})

test('cross-site posts to the sign-in endpoints are refused', async ({ request }) => {
  for (const url of ['/api/auth/signout', '/api/auth/callback/credentials']) {
    const res = await request.post(url, { headers: { origin: 'http://evil.example' }, form: { email: 'admin@custody.local', password: 'custody-demo' } })
    expect(res.status(), url).toBe(403)
  }
})

/** Requests a route the way it is meant to be called: GET, or a same-site POST with an empty form. */
function call(request: APIRequestContext, route: RouteEntry) {
  return route.method === 'POST' ? request.post(route.url, { form: {}, maxRedirects: 0 }) : request.get(route.url, { maxRedirects: 0 })
}

async function invite(admin: Page, email: string, role: Role): Promise<string> {
  await admin.goto('/users')
  const form = admin.getByRole('form', { name: 'Invite a user' })
  await form.getByLabel('E-mail').fill(email)
  await form.getByLabel('Role').selectOption(role)
  await form.getByRole('button', { name: 'Invite' }).click()
  const link = (await form.getByTestId('invite-link').textContent()) ?? ''
  expect(link).toMatch(/\/signin\?invite=[\w-]{40,}$/)
  await admin.reload()
  return link
}

/** Sends a recorded server-action request again, from another browser context. */
async function replay(page: Page, request: Request, override: Record<string, string> = {}) {
  const headers = Object.fromEntries(
    Object.entries(await request.allHeaders()).filter(([k]) => !['cookie', 'host', 'content-length'].includes(k)),
  )
  return page.request.post(request.url(), { headers: { ...headers, ...override }, data: request.postDataBuffer()!, maxRedirects: 0 })
}

async function ssoSignIn(browser: Browser, login: string): Promise<Page> {
  const page = await newPage(browser)
  await page.goto('/signin')
  await page.getByRole('button', { name: 'Sign in with SSO' }).click()
  await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${OIDC_PORT}/interaction/`))
  await page.locator('input[name=login]').fill(login)
  await page.locator('input[name=password]').fill('any')
  await page.locator('button[type=submit]').click()
  await page.locator('button[type=submit]').click() // consent
  await page.waitForURL((url) => url.port !== String(OIDC_PORT))
  return page
}
