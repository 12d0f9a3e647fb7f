import { Readable } from 'node:stream'
import { beforeEach, describe, expect, it } from 'vitest'
import { openAppStore } from '@/db'
import { evaluateAlerts, evaluateAlertsAfterIngest } from '@/lib/alerts/evaluate'
import { unresolvedAlerts } from '@/lib/alerts/state'
import { ingest } from '@/lib/ingest/pipeline'
import { gatewaySource } from '@/lib/sources/gateway'
import { freshStores, setThresholds, useAlertStores } from './evaluation'

useAlertStores('after-ingest')
beforeEach(freshStores)

/** Gateway lines no credential attributes: every one counts against the unattributed ratio. */
const lines = (...ids: number[]) =>
  ids.map((i) => JSON.stringify({ time: `2026-10-05T09:00:${String(i).padStart(2, '0')}.000Z`, 'mcp.method.name': 'tools/call', event_id: `ev-${i}` })).join('\n')
const delivered = (text: string) => ingest(gatewaySource, [{ name: 'gateway.ndjson', open: () => Readable.from([Buffer.from(text)]) }])
/** The unattributed-ratio alerts the store holds open (what `alerts run` and the Alerts page list). */
const ratioAlerts = async () =>
  (await unresolvedAlerts(await openAppStore())).filter((a) => a.rule === 'unattributed_ratio').map((a) => ({ state: a.state, value: a.value }))

describe('alert rules after `custody ingest`: evaluated when what they read moved, skipped when it did not', () => {
  it('skips a delivery of duplicates, evaluates new records and a threshold change, and a skip answers the open alerts', async () => {
    await delivered(lines(1, 2))
    const first = await evaluateAlertsAfterIngest()
    expect(await ratioAlerts(), 'every action unattributed: the ratio fires').toEqual([{ state: 'firing', value: 1 }])

    const again = await delivered(lines(1, 2))
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 })
    const skipped = await evaluateAlertsAfterIngest()
    expect(skipped, 'nothing new stored: the last evaluation stands').toEqual(first)
    expect(await ratioAlerts()).toEqual([{ state: 'firing', value: 1 }])

    await setThresholds({ alert_rules: { unattributed_ratio: { enabled: false } } })
    const afterChange = await evaluateAlertsAfterIngest()
    expect(afterChange, 'a new thresholds version is a new input').not.toEqual(first)
    expect(await ratioAlerts(), 'the disabled rule resolves its alert').toEqual([])

    await setThresholds({ alert_rules: { unattributed_ratio: { enabled: true } } })
    await delivered(lines(3))
    const afterNew = await evaluateAlertsAfterIngest()
    expect(afterNew).not.toEqual(afterChange)
    expect(await ratioAlerts(), 'the new record is evaluated: the ratio fires again').toEqual([{ state: 'firing', value: 1 }])
  })

  it('catches up on records a crashed run stored without evaluating, and `alerts run` always evaluates', async () => {
    await delivered(lines(1))
    const first = await evaluateAlertsAfterIngest()
    await delivered(lines(2)) // stored, then the process died before its evaluation
    const next = await evaluateAlertsAfterIngest()
    expect(next, 'the watermarks moved since the last evaluation').not.toEqual(first)
    expect((await evaluateAlerts()).evaluated_at, 'an explicit run is never skipped').not.toBe(next.toISOString())
  })
})
