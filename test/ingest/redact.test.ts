import { describe, expect, it } from 'vitest'
import { redactRejectedText } from '@/lib/ingest/redact'
import { secretFingerprint } from '@/lib/sources/fingerprint'

describe('redactRejectedText', () => {
  it('fingerprints secret-named fields of a JSON record, however deep', () => {
    const text = JSON.stringify({ time: 'x', token: 'agw_live_Secret123', nested: { authorization: 'abc', password: 'pw' } })
    const kept = JSON.parse(redactRejectedText(text))
    expect(kept).toEqual({
      time: 'x',
      token: secretFingerprint('agw_live_Secret123'),
      nested: { authorization: secretFingerprint('abc'), password: secretFingerprint('pw') },
    })
  })

  it('fingerprints secrets in a line that is not JSON, including JWTs and bearer credentials', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const line = `{"time": "2026-10-01T00:00:00Z", "token": "agw_live_Secret123", "h": "Bearer abcdefgh12345678XYZ", "j": "${jwt}"`
    const kept = redactRejectedText(line)
    for (const secret of ['agw_live_Secret123', 'abcdefgh12345678XYZ', jwt]) expect(kept).not.toContain(secret)
    expect(kept).toContain(secretFingerprint('agw_live_Secret123'))
  })

  it('clips a long line after redacting it', () => {
    const kept = redactRejectedText(`not json ${'x'.repeat(5000)}`)
    expect(kept.length).toBe(4001)
    expect(kept.endsWith('…')).toBe(true)
  })
})
