/**
 * The small helpers every room shares: own properties whatever the key, records, plain
 * objects, unknown options, a value's type in a message.
 */
import t from 'tap'
import { defineOwn, describeValue, isPlainObject, isRecord, keySet, unknownKey } from '../../src/common/objects.js'

t.test('defineOwn makes an own enumerable data property, even for __proto__', async t => {
  const out: Record<string, unknown> = {}
  defineOwn(out, '__proto__', { polluted: true })
  defineOwn(out, 'a', 1)
  t.equal(Object.getPrototypeOf(out), Object.prototype, 'the prototype is untouched')
  t.same(Object.keys(out), ['__proto__', 'a'])
  t.same(JSON.parse(JSON.stringify(out)), { ['__proto__']: { polluted: true }, a: 1 })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'nothing leaked into Object.prototype')
  const frozenSetter = Object.create({ set x (_v: unknown) { throw new Error('setter called') } }) as Record<string, unknown>
  defineOwn(frozenSetter, 'x', 2)
  t.equal(frozenSetter.x, 2, 'an inherited setter is bypassed')
})

t.test('isRecord: an object that is not an array', async t => {
  t.ok(isRecord({}))
  t.ok(isRecord(Object.create(null)))
  t.ok(isRecord(new Date()), 'any non-array object')
  t.notOk(isRecord([]))
  t.notOk(isRecord(null))
  t.notOk(isRecord('x'))
  t.notOk(isRecord(undefined))
})

t.test('isPlainObject: literals, JSON and null-prototype objects only', async t => {
  t.ok(isPlainObject({}))
  t.ok(isPlainObject(JSON.parse('{"a":1}')))
  t.ok(isPlainObject(Object.create(null)))
  t.notOk(isPlainObject([]))
  t.notOk(isPlainObject(null))
  t.notOk(isPlainObject('x'))
  t.notOk(isPlainObject(new Date()))
  t.notOk(isPlainObject(new Map()))
  t.notOk(isPlainObject(Object.create({})))
  t.notOk(isPlainObject(() => 1))
})

t.test('unknownKey: the first own key the known set does not list', async t => {
  const known = new Set(['a', 'b'])
  t.equal(unknownKey({ a: 1, b: 2 }, known), undefined)
  t.equal(unknownKey({}, known), undefined)
  t.equal(unknownKey({ a: 1, respone: 2, c: 3 }, known), 'respone')
  t.equal(unknownKey(Object.assign(Object.create({ inherited: 1 }), { a: 1 }), known), undefined, 'inherited keys are not options')
})

t.test('describeValue names a type with its article', async t => {
  t.same([null, [], {}, 'x', 1, true, undefined, () => 1, Symbol('s'), 1n].map(describeValue),
    ['null', 'an array', 'an object', 'a string', 'a number', 'a boolean', 'a undefined', 'a function', 'a symbol', 'a bigint'])
})

t.test('keySet lists the keys of a type, and the compiler holds the list to the type', async t => {
  interface Options { a?: number; b: string }
  t.same([...keySet<Options>({ a: true, b: true })], ['a', 'b'])
  const typeChecks = (): unknown[] => [
    // @ts-expect-error: `b` is missing, as a new field of the type would be
    keySet<Options>({ a: true }),
    // @ts-expect-error: `c` is not a key of the type
    keySet<Options>({ a: true, b: true, c: true }),
  ]
  t.type(typeChecks, 'function')
})
