import { currentActor } from '@/lib/auth/current'
import { actionsPage, parseActionQuery } from '@/lib/populations/actions'
import type { PageRequest } from '@/lib/populations/population'
import { InvalidParameter } from '@/lib/reports/search-params'
import { ActionTable } from '../components/ActionTable'
import { BadPeriod } from '../components/BadPeriod'
import { Download } from '../components/Download'
import { load } from '../components/load'
import { Pagination, pageCount } from '../components/Pagination'
import { PageHead } from '../components/PageHead'
import { resolvePeriod } from '../components/period'
import { Failed, Section } from '../components/Section'
import { toParams, type Search } from '../components/url'
import { ActionFilterForm } from './ActionFilters'

export const dynamic = 'force-dynamic'

export default async function ActionsPage({ searchParams }: { searchParams: Search }) {
  const actor = await currentActor('reports:read')
  const params = toParams(await searchParams)
  const resolved = await resolvePeriod(actor, params)
  if ('error' in resolved) return <BadPeriod title="Agent actions" path="/actions" error={resolved.error} />
  const { period } = resolved
  let query
  try {
    query = parseActionQuery(params)
  } catch (err) {
    if (!(err instanceof InvalidParameter)) throw err
    return <BadPeriod title="Agent actions" path="/actions" error={`${err.field}: ${err.message}`} />
  }
  const { filters, page } = query
  return (
    <>
      <PageHead title="Agent actions" path="/actions" params={params} period={period}
        lede="Every agent action of the period with the identity it is attributed to, the rule that decided it (or why none could) and its flags. Counting a filter’s rows gives the report’s number." />
      <Section title="Actions" actions={<Download path="/actions" params={params} />}>
        <ActionFilterForm filters={filters} period={period} per={page.per} />
        <ActionList load={() => actionsPage(actor, period, filters, page)} params={params} page={page} />
      </Section>
    </>
  )
}

async function ActionList({ load: run, params, page }: { load: () => ReturnType<typeof actionsPage>; params: URLSearchParams; page: PageRequest }) {
  const loaded = await load(run)
  if (!loaded.ok) return <Failed what="the actions" message={loaded.message} />
  const { rows, total } = loaded.value
  if (total === 0) return <p className="empty">No agent action matches these filters in this period. Clear a filter, choose another period, or ingest gateway logs (<code>custody ingest --source gateway …</code>).</p>
  return (
    <>
      <p data-testid="actions-total"><strong>{total.toLocaleString('en-US')}</strong> matching actions, oldest first.</p>
      <ActionTable rows={rows} />
      <Pagination path="/actions" params={params} {...pageCount(page.page, page.per, total)} total={total} />
    </>
  )
}
