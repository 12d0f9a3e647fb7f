/**
 * Renders a planned session as gateway log lines (gateway-log.md): the handshake,
 * then calls; asks the TokenBroker for the tokens it presents; counts what it planted.
 */
import { MINUTE, PERIOD_END, isoFast, wholeSecond } from './clock'
import type { Company } from './company'
import { noActionFindings, type ActionFindings } from './findings'
import type { LineBuffer } from './line-buffer'
import type { OktaLog } from './okta-log'
import type { Random } from './random'
import type { SessionPlan } from './session'
import type { TokenBroker } from './tokens'

type Step = { t: number; method: string; what: string; durationMs: number }

type Credential = {
  fragment: string
  /** presented on `initialize` only; later requests ride on the session */
  inheritOnly: boolean
  expiresAt: number | null
  revokedAt: number | null
  /** the trigger time of the identity the actions belong to */
  deprovisionedAt: number | null
}

const PLUMBING = new Set(['initialize', 'notifications/initialized', 'ping'])
const CALL_METHODS = ['tools/call', 'resources/read', 'prompts/get', 'ping', 'tools/list']
const CALL_METHOD_WEIGHTS = [82, 8, 4, 3, 3]
const TOOL_WEIGHTS = [6, 4, 3, 2, 1]
const MEDIAN_MS: Record<string, [number, number]> = {
  'initialize': [40, 0.5], 'notifications/initialized': [2, 0.4], 'tools/list': [20, 0.5], 'tools/call': [180, 0.9],
  'resources/read': [60, 0.6], 'prompts/get': [25, 0.5], 'ping': [3, 0.4],
}

export class GatewayLines {
  readonly findings: ActionFindings = noActionFindings()

  constructor(private rng: Random, private company: Company, private broker: TokenBroker, private okta: OktaLog) {}

  render(plan: SessionPlan, out: LineBuffer): void {
    const steps = this.timeline(plan)
    if (steps.length === 0) return
    const credential = this.present(plan, steps[steps.length - 1].t - plan.start + 2 * MINUTE)
    const sessionId = this.rng.uuid()
    const session = this.sessionFields(plan, sessionId, false)
    const handshake = this.sessionFields(plan, sessionId, true)
    const refusedHandshake = this.sessionFields(plan, null, true)
    let requestId = 0
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]
      const carries = !credential.inheritOnly || i === 0
      const status = this.answer(plan, step, credential, carries)
      const id = step.method === 'notifications/initialized' ? '' : this.requestId(plan, sessionId, requestId++)
      const fields = i > 0 ? session : status === 401 ? refusedHandshake : handshake
      out.add(step.t, this.line(plan, step, status, id, fields, carries ? credential.fragment : ''))
      if (status !== 401) continue
      // refused: the agent tries to connect again twice, then gives up; no session is ever established
      for (const backoff of [1000, 3000]) {
        const retry = { t: step.t + backoff + this.rng.int(500), method: 'initialize', what: '', durationMs: this.duration('initialize') }
        if (retry.t >= PERIOD_END) break
        out.add(retry.t, this.line(plan, retry, this.answer(plan, retry, credential, true), this.requestId(plan, sessionId, 0), refusedHandshake, credential.fragment))
      }
      return
    }
  }

  /** The HTTP status, counting the line under the findings it shows; `carries`: the line presents the credential. */
  private answer(plan: SessionPlan, step: Step, credential: Credential, carries: boolean): number {
    const revoked = carries && credential.revokedAt !== null && step.t > credential.revokedAt
    const expired = carries && credential.expiresAt !== null && step.t > credential.expiresAt
    const status = this.status(plan, step.method, revoked || expired)
    this.count(plan, step, status, revoked, expired, credential)
    return status
  }

  private line(plan: SessionPlan, step: Step, status: number, id: string, session: string, credential: string): string {
    const duration = plan.gateway.durationAsText ? `"${Math.round(step.durationMs)}ms"` : `${Math.round(step.durationMs * 10) / 10}`
    const eventId = plan.gateway.writesEventIds ? `,"event_id":"${this.rng.uuid()}"` : ''
    return `{"time":"${isoFast(step.t)}"${eventId},"gateway":"${plan.gateway.name}","mcp.method.name":"${step.method}","mcp.target":"${plan.server.name}"${step.what}${id}${session},"http.status":${status},"duration":${duration}${credential}}`
  }

  private timeline(plan: SessionPlan): Step[] {
    const rng = this.rng
    const end = Math.min(PERIOD_END, plan.start + (plan.maxDurationMs ?? Infinity))
    const steps: Step[] = []
    let t = plan.start
    for (const method of ['initialize', 'notifications/initialized', 'tools/list']) {
      if (t >= end) return steps
      steps.push({ t: Math.floor(t), method, what: '', durationMs: this.duration(method) })
      t += rng.between(15, 120)
    }
    for (let i = 0; i < plan.calls; i++) {
      t += rng.logNormal(plan.gapMs, 0.7)
      if (t >= end) break
      const method = rng.weighted(CALL_METHODS, CALL_METHOD_WEIGHTS)
      steps.push({ t: Math.floor(t), method, what: this.what(plan, method), durationMs: this.duration(method) })
    }
    return steps
  }

  private what(plan: SessionPlan, method: string): string {
    const s = plan.server
    if (method === 'tools/call') return `,"gen_ai.tool.name":"${this.rng.weighted(s.tools, TOOL_WEIGHTS.slice(0, s.tools.length))}"`
    if (method === 'resources/read') return `,"mcp.resource.uri":"${this.rng.pick(s.resources)}"`
    if (method === 'prompts/get') return `,"gen_ai.prompt.name":"${this.rng.pick(s.prompts)}"`
    return ''
  }

  private duration(method: string): number {
    const [median, sigma] = MEDIAN_MS[method]
    return Math.max(0.4, this.rng.logNormal(median, sigma))
  }

  private status(plan: SessionPlan, method: string, stale: boolean): number {
    if (stale && plan.gateway.checksCredentials) return 401
    if (method === 'notifications/initialized') return 202
    if (plan.refusesSome && method === 'tools/call' && this.rng.chance(0.3)) return 403
    if (this.rng.chance(0.004)) return this.rng.pick([500, 502, 504])
    return 200
  }

  private count(plan: SessionPlan, step: Step, status: number, revoked: boolean, expired: boolean, credential: Credential): void {
    const f = this.findings
    if (status === 401 || status === 403) {
      f.deniedRequests++
      if (revoked) f.deniedAfterRevocation++
      return
    }
    if (PLUMBING.has(step.method)) return
    f.actions++
    if (plan.finding) f[plan.finding]++
    if (revoked) f.afterRevocationActions++
    if (expired) f.afterExpiryActions++
    if (credential.deprovisionedAt !== null && step.t > credential.deprovisionedAt) f.afterDeprovisionActions++
  }

  private requestId(plan: SessionPlan, sessionId: string, n: number): string {
    return plan.client?.stringIds ? `,"jsonrpc.request.id":"${sessionId.slice(0, 8)}-${n}"` : `,"jsonrpc.request.id":${n}`
  }

  /**
   * The protocol version is logged where it is negotiated, on `initialize`, with the
   * session id the gateway assigned in its answer — none when it refused.
   */
  private sessionFields(plan: SessionPlan, sessionId: string | null, handshake: boolean): string {
    const c = plan.client
    const protocol = c && handshake ? `,"mcp.protocol.version":"${c.protocol}"` : ''
    const client = c ? `${protocol},"client.name":"${c.name}","client.version":"${c.version}"` : ''
    return `${sessionId ? `,"mcp.session.id":"${sessionId}"` : ''}${client},"src.addr":"${plan.srcAddr}"`
  }

  private present(plan: SessionPlan, needMs: number): Credential {
    const p = plan.presenter
    const none = { inheritOnly: false, expiresAt: null, revokedAt: null, deprovisionedAt: null }
    const iat = (t: number) => (plan.gateway.writesEventIds ? '' : `,"jwt.iat":${Math.floor(t / 1000)}`)
    const bearer = (sub: string, jti: string | null, clientId: string, issuedAt: number, expiresAt: number, issuer = this.company.issuer) =>
      `,"auth.scheme":"bearer","jwt.iss":"${issuer}","jwt.sub":"${sub}"${jti ? `,"jwt.jti":"${jti}"` : ''},"jwt.client_id":"${clientId}","jwt.exp":${Math.floor(expiresAt / 1000)}${iat(issuedAt)}`
    switch (p.kind) {
      case 'person': {
        const version = plan.client!.version
        const token = p.token === 'fresh' ? this.broker.freshPersonToken(p.person, p.agent, version, plan.start)
          : p.token === 'stale' ? this.broker.stalePersonToken(p.person, p.agent, version, plan.start, this.rng.between(65 * MINUTE, 240 * MINUTE))
          : this.broker.personToken(p.person, p.agent, version, plan.start, needMs)
        if (p.revokeAfterMs !== undefined) this.okta.revokeToken(p.revokedBy ?? p.person, p.agent, token, plan.start + Math.floor(p.revokeAfterMs))
        const departure = p.person.departure
        const subjectWide = departure?.revokedAt != null && departure.revokedAt > token.issuedAt ? departure.revokedAt : null
        const revokedAt = [token.revokedAt, subjectWide].filter((t): t is number => t !== null).sort((a, b) => a - b)[0] ?? null
        const withJti = p.claims !== 'subject'
        const user = withJti || this.rng.chance(0.5) ? `,"user":"${p.person.email}"` : ''
        return {
          fragment: bearer(p.person.id, withJti ? token.id : null, p.agent.clientId, token.issuedAt, token.expiresAt) + user,
          inheritOnly: p.claims === 'inherit', expiresAt: withJti ? token.expiresAt : null, revokedAt: withJti ? revokedAt : null,
          deprovisionedAt: departure?.at ?? null,
        }
      }
      case 'client': {
        const token = this.broker.clientToken(p.client, plan.start, needMs)
        return { ...none, fragment: bearer(p.client.clientId, token.id, p.client.clientId, token.issuedAt, token.expiresAt), expiresAt: token.expiresAt }
      }
      case 'key':
        return {
          fragment: `,"auth.scheme":"api_key","apiKey.sha256":"${p.key.sha256}","apiKey.name":"${p.key.name}"`, inheritOnly: false,
          expiresAt: p.key.expiresAt, revokedAt: p.key.revokedAt, deprovisionedAt: p.key.service ? null : (p.key.owner?.departure?.at ?? null),
        }
      case 'unknown-key':
        return { ...none, fragment: `,"auth.scheme":"api_key","apiKey.sha256":"${p.sha256}","apiKey.name":"${p.name}"` }
      case 'forged-token': {
        const expiresAt = wholeSecond(plan.start + 55 * MINUTE)
        return { ...none, fragment: bearer(p.sub, p.jti, p.clientId, plan.start - 5 * MINUTE, expiresAt, p.issuer), expiresAt }
      }
      case 'unmapped-subject':
        return { ...none, fragment: bearer(p.sub, null, p.clientId, plan.start - 5 * MINUTE, plan.start + 55 * MINUTE) + (p.user ? `,"user":"${p.user}"` : '') }
      case 'anonymous':
        return { ...none, fragment: ',"auth.scheme":"none"' }
    }
  }
}
