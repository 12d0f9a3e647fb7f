import { hrefWith } from './url'

/** The whole population behind a list as CSV: the same URL and filters with `format=csv` (no row limit). */
export function Download({ path, params, label = 'Download all as CSV' }: { path: string; params: URLSearchParams; label?: string }) {
  return (
    <a className="download" href={hrefWith(path, params, { format: 'csv', after: null, page: null })} download>
      ⤓ {label}
    </a>
  )
}
