'use client'

import { useId, useState } from 'react'
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { PALETTE } from './palette'

export type ChartSeries = { key: string; name: string }
export type ChartRow = { label: string; href?: string } & Record<string, string | number | null | undefined>

type Props = {
  title: string
  xLabel: string
  yLabel: string
  /** what the numbers are counted in, shown on the axis and in the table header */
  unit: string
  series: ChartSeries[]
  rows: ChartRow[]
  kind?: 'bar' | 'line'
  stacked?: boolean
  /** formats a value for the axis, tooltip and table */
  percent?: boolean
}

/**
 * A titled chart with labelled axes and units, and the same numbers as a table one
 * keystroke away ("Show as table"); the table is also what prints. A row with `href`
 * is a drill-down: its bar opens it, and its table label links to it.
 */
export function ChartTable({ title, xLabel, yLabel, unit, series, rows, kind = 'bar', stacked, percent }: Props) {
  const [asTable, setAsTable] = useState(false)
  const id = useId()
  const fmt = (v: unknown) =>
    v === null || v === undefined ? '—' : percent ? `${(Number(v) * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %` : Number(v).toLocaleString('en-US')
  const summary = rows.map((r) => `${r.label}: ${series.map((s) => `${s.name} ${fmt(r[s.key])}`).join(', ')}`).join('; ')
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <div className="chart-head">
        <figcaption id={`${id}-title`}>{title}</figcaption>
        <button type="button" className="link" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
          {asTable ? 'Show as chart' : 'Show as table'}
        </button>
      </div>
      {!asTable && (
        <div className="chart-plot" role="img" aria-label={`${title}. ${summary}`}>
          <ResponsiveContainer width="100%" height={260}>
            {kind === 'line' ? (
              <LineChart data={rows} margin={{ top: 8, right: 24, bottom: 28, left: 36 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" label={{ value: xLabel, position: 'insideBottom', offset: -16 }} />
                <YAxis tickFormatter={fmt} allowDecimals={!!percent} width={80} label={{ value: `${yLabel} (${unit})`, angle: -90, position: 'insideLeft', offset: -20, style: { textAnchor: 'middle' } }} />
                <Tooltip formatter={(v) => fmt(v)} />
                {series.length > 1 && <Legend verticalAlign="top" />}
                {series.map((s, i) => (
                  <Line key={s.key} dataKey={s.key} name={s.name} stroke={PALETTE[i % PALETTE.length]} strokeWidth={2}
                    strokeDasharray={i % 2 ? '6 3' : undefined} dot={rows.length < 40} isAnimationActive={false} connectNulls />
                ))}
              </LineChart>
            ) : (
              <BarChart data={rows} margin={{ top: 8, right: 24, bottom: 28, left: 36 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" label={{ value: xLabel, position: 'insideBottom', offset: -16 }} />
                <YAxis tickFormatter={fmt} allowDecimals={!!percent} width={80} label={{ value: `${yLabel} (${unit})`, angle: -90, position: 'insideLeft', offset: -20, style: { textAnchor: 'middle' } }} />
                <Tooltip formatter={(v) => fmt(v)} />
                {series.length > 1 && <Legend verticalAlign="top" />}
                {series.map((s, i) => (
                  <Bar key={s.key} dataKey={s.key} name={s.name} fill={PALETTE[i % PALETTE.length]} stackId={stacked ? 'stack' : undefined}
                    isAnimationActive={false} cursor={rows.some((r) => r.href) ? 'pointer' : undefined}
                    onClick={(entry: { payload?: ChartRow }) => entry.payload?.href && window.location.assign(entry.payload.href)} />
                ))}
              </BarChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
      <table className={asTable ? 'chart-table' : 'chart-table print-only'}>
        <thead>
          <tr>
            <th scope="col">{xLabel}</th>
            {series.map((s) => <th key={s.key} scope="col" className="num">{s.name} ({unit})</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.href ? <a href={r.href}>{r.label}</a> : r.label}</th>
              {series.map((s) => <td key={s.key} className="num">{fmt(r[s.key])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
