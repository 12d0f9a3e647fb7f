import type { ReactNode } from 'react'
import type { NumberFormat } from './format'
import { Metric } from './Metric'
import { Verdict } from './Verdict'

type Props = {
  label: string
  metric: string
  value: number | null
  format?: NumberFormat
  /** the threshold check: pass, and the rule in words ("≤ 1 %") */
  verdict?: { pass: boolean; rule: string }
  href?: string
  detail?: ReactNode
}

/** A headline number against its threshold; the number links to the population behind it. */
export function Headline({ label, metric, value, format, verdict, href, detail }: Props) {
  const shown = <Metric metric={metric} value={value} format={format} />
  return (
    <div className={`headline ${verdict ? (verdict.pass ? 'pass' : 'exception') : ''}`}>
      <span className="label">{label}</span>
      <span className="value">{href ? <a href={href}>{shown}</a> : shown}</span>
      {verdict && <Verdict pass={verdict.pass} rule={verdict.rule} />}
      {detail && <span className="detail">{detail}</span>}
    </div>
  )
}
