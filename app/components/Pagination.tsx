import { hrefWith } from './url'

/** Page links for a numbered list (`?page=N`, dashboard.md); the other parameters stay as they are, a keyset cursor is dropped. */
export function Pagination({ path, params, page, pages, total }: { path: string; params: URLSearchParams; page: number; pages: number; total: number }) {
  if (pages <= 1) return <p className="pager-note">{total.toLocaleString('en-US')} in all</p>
  return (
    <nav aria-label="Pages" className="pager">
      {page > 1 ? <a href={hrefWith(path, params, { page: page > 2 ? String(page - 1) : null, after: null })} rel="prev">← Previous</a> : <span aria-hidden>← Previous</span>}
      <span>Page {page} of {pages} · {total.toLocaleString('en-US')} in all</span>
      {page < pages ? <a href={hrefWith(path, params, { page: String(page + 1), after: null })} rel="next">Next →</a> : <span aria-hidden>Next →</span>}
    </nav>
  )
}

/** The page a list shows and how many there are, for `?page=N&per=`. */
export function pageCount(page: number | undefined, per: number, total: number): { page: number; pages: number } {
  return { page: page ?? 1, pages: Math.max(1, Math.ceil(total / per)) }
}
