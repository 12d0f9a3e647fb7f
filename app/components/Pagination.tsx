import { hrefWith } from './url'

/** Page links for a numbered list (`?page=N`); the other parameters stay as they are. */
export function Pagination({ path, params, page, pages, total }: { path: string; params: URLSearchParams; page: number; pages: number; total: number }) {
  if (pages <= 1) return <p className="pager-note">{total.toLocaleString('en-US')} in all</p>
  return (
    <nav aria-label="Pages" className="pager">
      {page > 1 ? <a href={hrefWith(path, params, { page: page > 2 ? String(page - 1) : null })} rel="prev">← Previous</a> : <span aria-hidden>← Previous</span>}
      <span>Page {page} of {pages} · {total.toLocaleString('en-US')} in all</span>
      {page < pages ? <a href={hrefWith(path, params, { page: String(page + 1) })} rel="next">Next →</a> : <span aria-hidden>Next →</span>}
    </nav>
  )
}

/** Links for a keyset-paged list: the first page, and the next one after the last row shown. */
export function CursorPagination({ path, params, next, total, shown }: { path: string; params: URLSearchParams; next: string | null; total: number; shown: number }) {
  const onFirst = !params.get('after')
  return (
    <nav aria-label="Pages" className="pager">
      {onFirst ? <span aria-hidden>« First</span> : <a href={hrefWith(path, params, { after: null, page: null })}>« First</a>}
      <span>{shown.toLocaleString('en-US')} shown of {total.toLocaleString('en-US')}</span>
      {next ? <a href={hrefWith(path, params, { after: next })} rel="next">Next →</a> : <span aria-hidden>Next →</span>}
    </nav>
  )
}
