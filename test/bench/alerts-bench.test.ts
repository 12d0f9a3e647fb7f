import { describe, expect, it } from 'vitest'
import { RULE_IDS } from '@/lib/alerts/rules'
import { benchAlerts } from './alerts-bench'

// The benchmark itself over a small generated company (the lead runs the 10M one): it must keep
// timing the real evaluation as attribution and the rules change.
describe('BENCH_ONLY=alerts', () => {
  it('times every rule and the whole evaluation over the generated company and judges it against the minute', async () => {
    process.env.BENCH_ALERT_ACTIONS = '2000'
    const section = await benchAlerts()
    expect(section).toContain('## Alert evaluation time (issue 13)')
    expect(section).toContain('2,016 agent actions over 30 days')
    for (const rule of RULE_IDS) expect(section).toMatch(new RegExp(`\\| \`${rule}\` \\([a-z ]+\\) \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d, \\d+\\.\\d\\d, \\d+\\.\\d\\d \\| \\d+ \\|`))
    expect(section).toMatch(/\| `custody alerts run --json`, fresh process \| \d+\.\d\d \| [1-9]\d* \|/)
    expect(section).toMatch(/Result: (met|missed) — the slower whole evaluation \(cold or warm\) took \d+\.\d\d s of the 15 s goal/)
  }, 300_000)
})
