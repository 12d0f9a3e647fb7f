import { expect, type Page } from '@playwright/test'

export type Role = 'auditor' | 'compliance' | 'security' | 'admin'

export const DEMO_PASSWORD = 'custody-demo'

/** Signs in with the local demo account of a role (serve.sh seeds them), through the sign-in page. */
export async function signIn(page: Page, role: Role): Promise<void> {
  await signInAs(page, `${role}@custody.local`, DEMO_PASSWORD)
  await expect(page.getByTestId('signed-in-as')).toHaveText(`${role}@custody.local (${role})`)
}

/** Fills the local-account form and submits it with the keyboard. */
export async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin')
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByLabel('Password').press('Enter')
}
