/** A stored source record as it was ingested (secrets already replaced by fingerprints), pretty-printed when it is JSON. */
export function RawRecord({ raw, label = 'Raw source record' }: { raw: string; label?: string }) {
  let text = raw
  try {
    text = JSON.stringify(JSON.parse(raw), null, 2)
  } catch {
    // not JSON (a vendor text line): shown as stored
  }
  return (
    <details className="raw-record">
      <summary>{label}</summary>
      <pre className="raw" tabIndex={0}>{text}</pre>
    </details>
  )
}
