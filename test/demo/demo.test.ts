import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { writeDemoLogs, type DemoManifest, type DemoSource } from '@/lib/demo'
import { sourceParser } from '@/lib/sources'
import { directory, fileOf, rawLines, recount, records } from './demo-files'

const SCALE = 0.01
const SOURCES: DemoSource[] = ['keys', 'okta', 'gateway']
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'custody-demo-'))
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

let demo: DemoManifest
let sameSeed: DemoManifest

beforeAll(async () => {
  demo = await writeDemoLogs(tmp(), { seed: 7, scale: SCALE })
  sameSeed = await writeDemoLogs(tmp(), { seed: 7, scale: SCALE })
})

describe('demo logs', () => {
  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    for (const source of SOURCES) expect(sha256(fileOf(sameSeed, source)), source).toBe(sha256(fileOf(demo, source)))
    expect(sameSeed.findings).toEqual(demo.findings)
    const other = await writeDemoLogs(tmp(), { seed: 8, scale: SCALE })
    expect(sha256(fileOf(other, 'gateway'))).not.toBe(sha256(fileOf(demo, 'gateway')))
  })

  it('lists every file with the number of JSON lines in it', () => {
    expect(demo.files.map((f) => f.source)).toEqual(SOURCES)
    for (const file of demo.files) expect(rawLines(demo, file.source).length, file.source).toBe(file.records)
  })

  it('writes gateway lines with the keys the gateway parser reads', () => {
    const lines = records(demo, 'gateway')
    for (const r of lines) {
      expect(Number.isNaN(Date.parse(r.time))).toBe(false)
      expect(typeof r['mcp.method.name']).toBe('string')
      expect(['agw-prod', 'agw-edge']).toContain(r.gateway)
      // a refused initialize never got a session
      if (r['http.status'] !== 401 || r['mcp.method.name'] !== 'initialize') expect(typeof r['mcp.session.id']).toBe('string')
      expect(Date.parse(r.time) >= Date.parse(demo.period.from) && Date.parse(r.time) < Date.parse(demo.period.to)).toBe(true)
      if (r['auth.scheme'] === 'api_key') expect(r['apiKey.sha256']).toMatch(/^[0-9a-f]{64}$/)
      if (r['jwt.jti']) expect(r['jwt.jti']).toMatch(/^AT\.[A-Za-z0-9_-]+$/)
    }
    const durations = new Set(lines.map((r) => typeof r.duration))
    expect(durations).toEqual(new Set(['string', 'number']))
    const withEventId = lines.filter((r) => 'event_id' in r).length / lines.length
    expect(withEventId).toBeGreaterThan(0.55)
    expect(withEventId).toBeLessThan(0.85)
  })

  it('writes Okta LogEvents in published order, with access-token targets as Okta logs them', () => {
    const okta = records(demo, 'okta')
    const published = okta.map((e) => e.published as string)
    expect(published).toEqual([...published].sort())
    for (const e of okta) {
      expect(e).toMatchObject({ version: '0', outcome: { result: 'SUCCESS' } })
      expect(e.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-11f0-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(typeof e.actor.id).toBe('string')
      expect(typeof e.transaction.id).toBe('string')
    }
    const grants = okta.filter((e) => e.eventType === 'app.oauth2.as.token.grant.access_token')
    const grantTypes = new Set(grants.map((e) => e.debugContext.debugData.grantType))
    expect(grantTypes).toEqual(new Set(['authorization_code', 'refresh_token', 'client_credentials']))
    for (const e of grants) {
      const [token] = e.target
      expect(token).toMatchObject({ type: 'access_token', detailEntry: { subject: e.actor.id } })
      expect(Date.parse(token.detailEntry.expires) - Date.parse(e.published)).toBeGreaterThan(3599_000)
    }
    const types = new Set(okta.map((e) => e.eventType))
    for (const t of ['user.session.start', 'user.lifecycle.deactivate', 'user.lifecycle.suspend', 'app.oauth2.token.revoke.implicit.user', 'app.oauth2.as.token.revoke', 'app.oauth2.as.token.grant.refresh_token', 'system.api_token.create', 'system.api_token.revoke']) {
      expect(types, t).toContain(t)
    }
  })

  it('writes a key inventory in the CLI contract shape', () => {
    const keys = records(demo, 'keys')
    expect(keys.length).toBeGreaterThanOrEqual(50)
    for (const k of keys) {
      expect(Object.keys(k)).toEqual(['sha256', 'name', 'type', 'owner', 'service_account', 'created_at', 'expires_at', 'revoked_at'])
      expect(k.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(['api_key', 'pat', 'service_token']).toContain(k.type)
    }
    expect(new Set(keys.map((k) => k.type))).toEqual(new Set(['api_key', 'pat', 'service_token']))
    expect(keys.some((k) => k.owner === null && k.service_account !== null)).toBe(true)
  })

  it("is accepted line by line by Custody's own parsers, and the credentials join", () => {
    const issued = new Set<string>()
    const presented = new Set<string>()
    for (const source of SOURCES) {
      const parser = sourceParser(source)
      for (const raw of rawLines(demo, source)) {
        const parsed = parser.parse(JSON.parse(raw), raw)
        if (!parsed.ok) throw new Error(`${source}: ${parsed.error} in ${raw}`)
        for (const fact of parsed.facts) if (fact.kind === 'credential') issued.add(fact.credential_id)
        for (const request of parsed.requests) if (request.credential_id) presented.add(request.credential_id)
      }
    }
    const planted = new Set([...demo.forgedTokenIds, ...demo.unknownKeySha256.map((hex) => `sha256:${hex}`)])
    const unjoined = [...presented].filter((id) => !issued.has(id))
    expect(new Set(unjoined)).toEqual(new Set([...planted].filter((id) => presented.has(id))))
    expect(unjoined.length).toBeGreaterThan(0)
  })

  it('joins every gateway token id to an Okta grant, except the forged ones', () => {
    const { grants } = directory(records(demo, 'okta'), records(demo, 'keys'))
    const forged = new Set(demo.forgedTokenIds)
    const presented = new Set(records(demo, 'gateway').map((r) => r['jwt.jti']).filter(Boolean))
    for (const jti of presented) expect(grants.has(jti) || forged.has(jti), jti).toBe(true)
    for (const jti of forged) expect(grants.has(jti)).toBe(false)
    expect([...presented].filter((jti) => grants.has(jti)).length).toBeGreaterThan(50)
  })

  it('presents only inventory keys, apart from the planted unknown ones', () => {
    const inventory = new Set(records(demo, 'keys').map((k) => k.sha256))
    const unknown = new Set(demo.unknownKeySha256)
    for (const r of records(demo, 'gateway')) {
      if (r['apiKey.sha256']) expect(inventory.has(r['apiKey.sha256']) || unknown.has(r['apiKey.sha256'])).toBe(true)
    }
  })

  it('plants every finding', () => {
    for (const [name, count] of Object.entries(demo.findings)) expect(count, name).toBeGreaterThan(0)
    expect(demo.findings.departures).toBe(15)
    expect(demo.findings.neverRevoked).toBeGreaterThanOrEqual(2)
  })

  it('counts the planted actions exactly as the files show them', () => {
    const counted = recount(records(demo, 'okta'), records(demo, 'keys'), rawLines(demo, 'gateway'))
    const { actions, anonymousActions, unknownApiKeyActions, unknownTokenActions, unmappedSubjectActions, afterExpiryActions, afterRevocationActions, afterDeprovisionActions, deniedRequests, deniedAfterRevocation } = demo.findings
    expect(counted).toEqual({ actions, anonymousActions, unknownApiKeyActions, unknownTokenActions, unmappedSubjectActions, afterExpiryActions, afterRevocationActions, afterDeprovisionActions, deniedRequests, deniedAfterRevocation })
  })

  it('writes gateway lines in time order, apart from the redelivered duplicates', () => {
    const lines = rawLines(demo, 'gateway')
    const seen = new Set<string>()
    let duplicates = 0
    let latest = ''
    for (const line of lines) {
      if (seen.has(line)) { duplicates++; continue }
      seen.add(line)
      const time = JSON.parse(line).time as string
      expect(time >= latest).toBe(true)
      latest = time
    }
    expect(duplicates).toBe(demo.findings.duplicateLines)
  })

  it('has keys that several people share: each presented from three or more addresses', () => {
    const addresses = new Map<string, Set<string>>()
    for (const r of records(demo, 'gateway')) {
      if (!r['apiKey.sha256']) continue
      const seenFrom = addresses.get(r['apiKey.sha256']) ?? new Set()
      seenFrom.add(r['src.addr'].split(':')[0])
      addresses.set(r['apiKey.sha256'], seenFrom)
    }
    expect([...addresses.values()].filter((from) => from.size >= 3).length).toBe(demo.findings.sharedApiKeys)
  })

  it('scales the agent traffic with `scale`', async () => {
    const small = await writeDemoLogs(tmp(), { seed: 7, scale: 0.02 })
    const large = await writeDemoLogs(tmp(), { seed: 7, scale: 0.04 })
    const ratio = large.findings.actions / small.findings.actions
    expect(ratio).toBeGreaterThan(1.6)
    expect(ratio).toBeLessThan(2.4)
  })
})
