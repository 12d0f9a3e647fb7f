import { Readable } from 'node:stream'
import { beforeEach, describe, expect, it } from 'vitest'
import { evaluateAlerts, evaluateAlertsAfterIngest } from '@/lib/alerts/evaluate'
import { ingest } from '@/lib/ingest/pipeline'
import { gatewaySource } from '@/lib/sources/gateway'
import { freshStores, setThresholds, useAlertStores } from './evaluation'

useAlertStores('after-ingest')
beforeEach(freshStores)

/** Gateway lines no credential attributes: every one counts against the unattributed ratio. */
const lines = (...ids: number[]) =>
  ids.map((i) => JSON.stringify({ time: `2026-10-05T09:00:${String(i).padStart(2, '0')}.000Z`, 'mcp.method.name': 'tools/call', event_id: `ev-${i}` })).join('\n')
const delivered = (text: string) => ingest(gatewaySource, [{ name: 'gateway.ndjson', open: () => Readable.from([Buffer.from(text)]) }])
const ratioAlerts = (run: { alerts: { rule: string; state: string; value: number }[] }) =>
  run.alerts.filter((a) => a.rule === 'unattributed_ratio').map((a) => ({ state: a.state, value: a.value }))

describe('alert rules after `custody ingest`: evaluated when what they read moved, skipped when it did not', () => {
  it('skips a delivery of duplicates, evaluates new records and a threshold change, and a skip answers the open alerts', async () => {
    await delivered(lines(1, 2))
    const first = await evaluateAlertsAfterIngest()
    expect(ratioAlerts(first), 'every action unattributed: the ratio fires').toEqual([{ state: 'firing', value: 1 }])

    const again = await delivered(lines(1, 2))
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 })
    const skipped = await evaluateAlertsAfterIngest()
    expect(skipped.evaluated_at, 'nothing new stored: the last evaluation stands').toBe(first.evaluated_at)
    expect(ratioAlerts(skipped)).toEqual([{ state: 'firing', value: 1 }])

    await setThresholds({ alert_rules: { unattributed_ratio: { enabled: false } } })
    const afterChange = await evaluateAlertsAfterIngest()
    expect(afterChange.evaluated_at, 'a new thresholds version is a new input').not.toBe(first.evaluated_at)
    expect(ratioAlerts(afterChange), 'the disabled rule resolves its alert').toEqual([])

    await setThresholds({ alert_rules: { unattributed_ratio: { enabled: true } } })
    await delivered(lines(3))
    const afterNew = await evaluateAlertsAfterIngest()
    expect(afterNew.evaluated_at).not.toBe(afterChange.evaluated_at)
    expect(ratioAlerts(afterNew), 'the new record is evaluated: the ratio fires again').toEqual([{ state: 'firing', value: 1 }])
  })

  it('catches up on records a crashed run stored without evaluating, and `alerts run` always evaluates', async () => {
    await delivered(lines(1))
    const first = await evaluateAlertsAfterIngest()
    await delivered(lines(2)) // stored, then the process died before its evaluation
    const next = await evaluateAlertsAfterIngest()
    expect(next.evaluated_at, 'the watermarks moved since the last evaluation').not.toBe(first.evaluated_at)
    expect((await evaluateAlerts()).evaluated_at, 'an explicit run is never skipped').not.toBe(next.evaluated_at)
  })
})
