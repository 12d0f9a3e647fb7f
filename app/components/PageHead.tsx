import type { ReactNode } from 'react'
import { PeriodPicker } from './PeriodPicker'

/** Title, what the page answers, and the period it answers for. */
export function PageHead({ title, lede, path, params, period }: { title: string; lede: ReactNode; path: string; params: URLSearchParams; period: { from: Date; to: Date } }) {
  return (
    <>
      <h1>{title}</h1>
      <p className="lede">{lede}</p>
      <PeriodPicker path={path} params={params} period={period} />
    </>
  )
}
