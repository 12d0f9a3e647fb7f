import http from 'node:http'
import { isIP } from 'node:net'

/**
 * The client's address, stamped on every request by the HTTP server itself
 * (instrumentation.ts) and read by lib/auth/request.ts. Whatever a client sends
 * under this name is overwritten, so only the server's own judgement arrives here.
 */
export const CLIENT_ADDRESS_HEADER = 'x-custody-client-address'

/**
 * The chain is every X-Forwarded-For entry followed by the socket's peer. With no
 * trusted proxy the peer is the client, whatever the header claims; each trusted
 * proxy appends the address it saw, so the client is `trustedHops` entries left of
 * the peer. A chain shorter than that did not pass through every proxy: its leftmost
 * entry is the best there is.
 */
export function clientAddress(forwardedFor: string | string[] | undefined, peer: string | undefined, trustedHops: number): string | null {
  const forwarded = trustedHops > 0 ? [forwardedFor ?? []].flat().join(',').split(',') : []
  const chain = [...forwarded, peer ?? ''].map((a) => a.trim()).filter(Boolean)
  const address = chain[Math.max(0, chain.length - 1 - trustedHops)]?.replace(/^::ffff:(?=\d+\.)/, '')
  return address && isIP(address) ? address : null
}

const stamped = Symbol.for('custody.clientAddressStamped')

/**
 * Makes every Node HTTP server in this process stamp CLIENT_ADDRESS_HEADER on each
 * request before Next sees it. Next keeps a client's own X-Forwarded-For and only
 * fills it in when absent, and hands route handlers no socket, so this is the one
 * place the peer's address is known.
 */
export function stampClientAddresses(trustedHops: number): void {
  const proto = http.Server.prototype as http.Server & { [stamped]?: true }
  if (proto[stamped]) return
  proto[stamped] = true
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const request = args[0] as http.IncomingMessage
      request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(request.headers['x-forwarded-for'], request.socket.remoteAddress, trustedHops) ?? ''
    }
    return emit.call(this, event, ...args)
  } as typeof proto.emit
}
