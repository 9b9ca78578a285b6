import t from 'tap'
import fc from 'fast-check'
import { serializeJson } from '../../src/responses/serialize.js'
import { jsonable } from '../../src/responses/jsonable.js'

const reference = (value: unknown): string => JSON.stringify(jsonable(value)) ?? 'null'

t.test('the fast path gives exactly what jsonable() + JSON.stringify give', async t => {
  const special = fc.oneof(
    fc.date(), fc.bigInt(), fc.constant(new Map([['a', 1]])), fc.constant(new Set([1, 2])),
    fc.constant(Buffer.from('hi')), fc.constant(new URL('https://example.com/x')), fc.constant(/a+b/),
    fc.constant({ toJSON: () => 'custom' }), fc.constant(Object.create(null) as object), fc.constant(-0),
    fc.constant(Number.NaN), fc.constant(undefined), fc.constant(() => 1),
  )
  const value = fc.letrec(tie => ({
    node: fc.oneof({ maxDepth: 4 }, fc.jsonValue(), special, fc.array(tie('node'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 })),
  })).node
  fc.assert(fc.property(value, v => {
    let expected: string
    try { expected = reference(v) } catch { return true } // jsonable refuses (a top-level function)
    return serializeJson(v) === expected
  }), { numRuns: 10_000 })
})

t.test('examples', async t => {
  t.equal(serializeJson('Listen to the Bar Fighters'), '"Listen to the Bar Fighters"')
  t.equal(serializeJson(undefined), 'null')
  t.equal(serializeJson({ a: undefined, b: [undefined, 1], c: null }), '{"b":[null,1],"c":null}')
  t.equal(serializeJson({ at: new Date(0) }), '{"at":"1970-01-01T00:00:00.000Z"}')
  t.equal(serializeJson({ n: 10n, big: 2n ** 64n }), '{"n":10,"big":"18446744073709551616"}')
  t.equal(serializeJson([new Set([1])]), '[[1]]')
  const deep: Record<string, unknown> = {}
  let node = deep
  for (let i = 0; i < 100; i++) { node.next = {}; node = node.next as Record<string, unknown> }
  t.equal(serializeJson(deep), JSON.stringify(deep), 'deeper than the fast path: jsonable takes over')
  const cycle: Record<string, unknown> = {}
  cycle.self = cycle
  t.throws(() => serializeJson(cycle), { code: 'RC_ERR_JSONABLE_CYCLE' })
  t.throws(() => serializeJson(() => 1), { code: 'RC_ERR_JSONABLE_VALUE' })
})
