/**
 * Which population a page's `?format=csv` downloads (dashboard.md: every list downloads in
 * full from the same URL). Pages cannot answer CSV, so proxy.ts rewrites such a request to
 * the route handler named here, with the page's query (and what the page's path implies:
 * an identity, or the unattributed page's reason). The handler checks the session itself.
 * Returns the handler's path and query, or null when the request is not a CSV download.
 */
export function csvDownloadTarget(pathname: string, search: URLSearchParams): string | null {
  if (search.get('format') !== 'csv') return null
  const query = new URLSearchParams(search)
  query.delete('format')
  const identity = /^\/attribution\/([^/]+)\/?$/.exec(pathname)
  if (identity) {
    const decoded = decodeSegment(identity[1])
    if (decoded === null) return null
    query.set('identity', decoded)
    return withQuery('/api/populations/actions', query)
  }
  switch (pathname.replace(/\/$/, '')) {
    case '/actions':
      return withQuery('/api/populations/actions', query)
    case '/unattributed':
      if (!query.has('reason')) query.set('reason', 'unattributed')
      return withQuery('/api/populations/actions', query)
    case '/token-age':
      return withQuery('/api/populations/credentials', query)
    case '/revocation-latency':
      return withQuery('/api/populations/triggers', query)
    case '/attribution':
      return withQuery('/api/populations/lists/identities', query)
    case '/off-gateway':
      return withQuery('/api/populations/grants', query)
    case '/coverage':
      return withQuery('/api/populations/lists/sources', query)
    default:
      return null
  }
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString()
  return text ? `${path}?${text}` : path
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}
