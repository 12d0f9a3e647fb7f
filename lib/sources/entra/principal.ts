/** Entra object ids and user principal names as the logs write them. */

const NO_OBJECT = /^0{8}-0{4}-0{4}-0{4}-0{12}$/

/** An object id, or undefined for absent and the all-zero GUID ("no service principal"). */
export function entraId(id: string | null | undefined): string | undefined {
  return id && !NO_OBJECT.test(id) ? id : undefined
}

/**
 * The user's own UPN: a deleted user's audit names it prefixed with the object id without
 * dashes; a guest's reads `dana_example.com#EXT#@tenant.onmicrosoft.com` (home UPN dana@example.com).
 */
export function entraUpn(id: string, upn: string | null | undefined): string {
  if (!upn) return ''
  const prefix = id.replace(/-/g, '').toLowerCase()
  const own = prefix && upn.toLowerCase().startsWith(prefix) ? upn.slice(prefix.length) : upn
  const guest = /^(.+)_([^_]+)#EXT#@/i.exec(own)
  return guest ? `${guest[1]}@${guest[2]}` : own
}
