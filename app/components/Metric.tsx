import { formatValue, type NumberFormat } from './format'

/**
 * One report number on a page (dashboard.md): `data-metric` names the report key,
 * `data-value` is its exact JSON value; the text is formatted for people.
 */
export function Metric({ metric, value, format }: { metric: string; value: number | string | null; format?: NumberFormat }) {
  return (
    <span data-metric={metric} data-value={value === null ? 'null' : String(value)}>
      {formatValue(value, format)}
    </span>
  )
}
