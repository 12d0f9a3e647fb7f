import type { Notification } from '../notification'
import { absoluteLink, detailLines, headline } from '../message'
import { postJson, type AttemptOutcome } from './http'

/** A Slack incoming-webhook payload: `text` for notifications and clients without blocks, `blocks` for the channel. */
export function slackPayload(n: Notification, origin: string) {
  const link = absoluteLink(n.alert.link, origin)
  return {
    text: headline(n),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline(n).slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: detailLines(n, origin).slice(0, -1).map(mrkdwnEscape).join('\n') } },
      { type: 'section', text: { type: 'mrkdwn', text: `<${link}|Open the evidence in Custody>` } },
    ],
  }
}

export async function sendSlack(url: string, n: Notification, ctx: { origin: string; timeoutMs: number }): Promise<AttemptOutcome> {
  return postJson(url, JSON.stringify(slackPayload(n, ctx.origin)), {}, ctx.timeoutMs)
}

// Slack reads <, > and & as markup: a subject such as an e-mail in angle brackets must stay text.
function mrkdwnEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
