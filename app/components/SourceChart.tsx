'use client'

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'

export type SourceBar = { source: string; events: number }

/** Events per source; the same numbers are in the table beside it. */
export function SourceChart({ bars }: { bars: SourceBar[] }) {
  return (
    <figure aria-labelledby="source-chart-title" style={{ margin: 0 }}>
      <figcaption id="source-chart-title" className="lede">Events per source (distinct events)</figcaption>
      <div style={{ width: '100%', height: 220 }} role="img" aria-label={bars.map((b) => `${b.source}: ${b.events} events`).join(', ')}>
        <ResponsiveContainer>
          <BarChart data={bars} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="source" label={{ value: 'source', position: 'insideBottom', offset: -4 }} />
            <YAxis tickFormatter={(v: number) => v.toLocaleString('en-US')} width={90} />
            <Tooltip formatter={(v) => Number(v).toLocaleString('en-US')} />
            <Bar dataKey="events" fill="#1f5fbf" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  )
}
