import nodemailer from 'nodemailer'
import type { Notification } from '../notification'
import type { EmailSettings } from '../destination-input'
import { detailLines, headline } from '../message'
import type { AttemptOutcome } from './http'

export async function sendEmail(settings: EmailSettings, password: string | null, n: Notification, ctx: { origin: string; timeoutMs: number }): Promise<AttemptOutcome> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    auth: settings.user ? { user: settings.user, pass: password ?? '' } : undefined,
    connectionTimeout: ctx.timeoutMs,
    greetingTimeout: ctx.timeoutMs,
    socketTimeout: ctx.timeoutMs,
  })
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, subject: headline(n), text: detailLines(n, ctx.origin).join('\n') + '\n' })
    return { ok: true, statusCode: null, error: null }
  } catch (err) {
    const e = err as Error & { responseCode?: number }
    return { ok: false, statusCode: e.responseCode ?? null, error: e.message }
  } finally {
    transport.close()
  }
}
