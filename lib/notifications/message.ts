import type { Notification } from './notification'

/** The words a person reads, in Slack and in e-mail: one wording for both. */
export function headline(n: Notification): string {
  if (n.event === 'test') return 'Custody test notification: this destination works'
  const verb = n.event === 'alert.firing' ? 'FIRING' : 'RESOLVED'
  return `[Custody] ${verb} ${n.alert.rule}: ${n.alert.subject}`
}

export function detailLines(n: Notification, origin: string): string[] {
  const a = n.alert
  return [
    `Rule: ${a.rule}`,
    `Subject: ${a.subject}`,
    `Value: ${a.value}` + (a.threshold === null ? '' : ` (threshold ${a.threshold})`),
    `State: ${a.state} since ${a.since}`,
    `Evidence: ${absoluteLink(a.link, origin)}`,
  ]
}

/** An alert's link is a dashboard path; receivers need the whole address. */
export function absoluteLink(link: string, origin: string): string {
  return new URL(link, origin).toString()
}
