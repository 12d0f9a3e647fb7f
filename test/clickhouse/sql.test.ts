import { describe, expect, it } from 'vitest'
import { render } from '@/lib/clickhouse/sql'
import { joinSql, sql, typed, unsafeRawSql } from '@/lib/clickhouse'

describe('sql tag', () => {
  it('turns every value into a typed server-side parameter', () => {
    const q = render(sql`SELECT * FROM t WHERE a = ${'x'} AND n = ${3} AND f > ${0.5} AND t >= ${new Date('2026-10-01T00:00:00Z')} AND id IN ${['a', 'b']}`)
    expect(q.text).toBe(
      "SELECT * FROM t WHERE a = {p0:String} AND n = {p1:Int64} AND f > {p2:Float64} AND t >= {p3:DateTime64(3, 'UTC')} AND id IN {p4:Array(String)}",
    )
    expect(q.params).toEqual({ p0: 'x', p1: 3, p2: 0.5, p3: '2026-10-01 00:00:00.000', p4: ['a', 'b'] })
  })

  it('keeps an injection attempt a value', () => {
    const q = render(sql`SELECT ${"x' OR 1=1 --"}`)
    expect(q.text).toBe('SELECT {p0:String}')
    expect(q.params.p0).toBe("x' OR 1=1 --")
  })

  it('nests fragments and numbers their parameters in order', () => {
    const where = joinSql([sql`a = ${1}`, sql`b = ${'two'}`], ' AND ')
    const q = render(sql`SELECT ${unsafeRawSql('count()')} FROM t WHERE ${where} AND c = ${typed('2026-01-01', 'Date')}`)
    expect(q.text).toBe('SELECT count() FROM t WHERE a = {p0:Int64} AND b = {p1:String} AND c = {p2:Date}')
    expect(q.params).toEqual({ p0: 1, p1: 'two', p2: '2026-01-01' })
  })

  it('refuses values it cannot type instead of guessing', () => {
    expect(() => sql`SELECT ${null}`).toThrow(/use typed\(\)/)
    expect(() => sql`SELECT ${Number.NaN}`).toThrow(/non-finite/)
  })
})
