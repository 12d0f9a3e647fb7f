import { describe, expect, it } from 'vitest'
import { redactRejectReason, redactRejectedText } from '@/lib/ingest/redact'
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

  it('fingerprints a secret-named field whose value the line cuts off', () => {
    const kept = redactRejectedText('{"time":"2026-10-01T00:00:00Z","clientSecret":"cut-off-s3cr')
    expect(kept).toBe(`{"time":"2026-10-01T00:00:00Z","clientSecret":"${secretFingerprint('cut-off-s3cr')}`)
  })
})

describe('redactRejectReason', () => {
  it('drops the part of the line a JSON error quotes, keeping what went wrong', () => {
    const key = 'ghp_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2'
    for (const text of [key, `${key} {"time":1}`, `{"time":1,"note": ${key} and more text after the key}`]) {
      let error = ''
      try {
        JSON.parse(text)
      } catch (err) {
        error = `invalid JSON: ${(err as Error).message}`
      }
      expect(error).toContain(key.slice(0, 8))
      const reason = redactRejectReason(error)
      expect(reason).toMatch(/^invalid JSON: Unexpected/)
      expect(reason).not.toContain(key.slice(0, 4))
    }
  })

  it('fingerprints a secret a reason names', () => {
    expect(redactRejectReason('rejected by the store: Bearer abcdefgh12345678XYZ')).toBe(
      `rejected by the store: Bearer ${secretFingerprint('abcdefgh12345678XYZ')}`,
    )
  })
})
