/** A period in the URL that can't be read: say what is wrong and how to write one. */
export function BadPeriod({ title, path, error }: { title: string; path: string; error: string }) {
  return (
    <>
      <h1>{title}</h1>
      <div className="failed" role="alert">
        <strong>That period can’t be shown.</strong> {error}
        <p>Write times as ISO 8601 UTC, e.g. <code>?from=2026-10-01T00:00:00Z&amp;to=2026-11-01T00:00:00Z</code> (to is exclusive), or <a href={path}>show the last full month with data</a>.</p>
      </div>
    </>
  )
}
