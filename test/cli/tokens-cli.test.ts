import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { custody, newDataDir } from '../intake/dashboard'

// intake.md: ingest tokens from the command line, for provisioning scripts.
const dataDir = newDataDir('tokens-cli')
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

describe('custody tokens', () => {
  it('creates (showing the token once), lists without it, revokes, and refuses bad arguments with exit 2', () => {
    const created = custody(dataDir, ['tokens', 'create', '--name', 'vector-prod', '--sources', 'gateway,otlp', '--expires', '2030-01-01T00:00:00Z', '--json'])
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const token = JSON.parse(created.stdout)
    expect(Object.keys(token)).toEqual(['id', 'name', 'token', 'sources', 'expires_at'])
    expect(token).toMatchObject({ name: 'vector-prod', sources: ['gateway', 'otlp'], expires_at: '2030-01-01T00:00:00.000Z' })
    expect(token.token).toMatch(/^cit_[\w-]{43}$/)

    const listed = custody(dataDir, ['tokens', 'list', '--json'])
    expect(listed.code).toBe(0)
    expect(listed.stdout).not.toContain(token.token)
    expect(JSON.parse(listed.stdout)).toMatchObject([{ id: token.id, name: 'vector-prod', revoked_at: null, created_by: 'system:cli' }])

    expect(custody(dataDir, ['tokens', 'revoke', token.id]).code).toBe(0)
    expect(JSON.parse(custody(dataDir, ['tokens', 'list', '--json']).stdout)[0].revoked_at).toEqual(expect.any(String))
    expect(custody(dataDir, ['tokens', 'revoke', token.id])).toMatchObject({ code: 1, stderr: 'custody: That token does not exist or is already revoked.\n' })

    expect(custody(dataDir, ['tokens', 'create', '--sources', 'gateway'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--name is required') })
    expect(custody(dataDir, ['tokens', 'create', '--name', 'x', '--sources', 'splunk'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--sources must name sources among') })
    expect(custody(dataDir, ['tokens', 'create', '--name', 'x', '--expires', 'tomorrow'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--expires must be an ISO 8601 time') })
  })
})
