/** How a number reads to a person; `data-value` keeps the exact value beside it. */
export type NumberFormat = 'count' | 'ratio' | 'seconds' | 'days' | 'time'

const count = new Intl.NumberFormat('en-US')

export function formatValue(value: number | string | null, format: NumberFormat = 'count'): string {
  if (value === null) return '—'
  if (typeof value === 'string') return format === 'time' ? formatTime(value) : value
  switch (format) {
    case 'count':
      return count.format(value)
    case 'ratio':
      return `${(value * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`
    case 'seconds':
      return formatDuration(value)
    case 'days':
      return `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} d`
    case 'time':
      return formatTime(new Date(value).toISOString())
  }
}

/** `1 h 02 m`, `3 d 4 h`, `42 s`: the largest two units. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`
  if (s < 86400) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`
}

/** ISO time as people read it, still UTC: `2026-10-03 14:22:05Z`. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—'
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

export function formatDay(iso: string): string {
  return iso.slice(0, 10)
}
