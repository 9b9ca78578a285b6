import t from 'tap'
import fc from 'fast-check'
import { isDeepStrictEqual } from 'node:util'
import { RoutecraftError } from '../../src/errors.js'
import { JSONABLE_MAX_DEPTH, jsonable, type JsonValue } from '../../src/responses/jsonable.js'

class Item {
  name = 'Foo'
  price = 50.2
  tags = new Set(['a'])
  secret: undefined = undefined
  #hidden = 1
  get computed (): number { return this.#hidden } // on the prototype: not an own field
  method (): void {}
}

t.test('conversions, table', async t => {
  const sym = Symbol('s')
  const table: Array<[string, unknown, JsonValue]> = [
    ['string', 'Listen to the Bar Fighters', 'Listen to the Bar Fighters'],
    ['date-time string stays a string', '2023-01-01T12:00:00', '2023-01-01T12:00:00'],
    ['true', true, true],
    ['false', false, false],
    ['null', null, null],
    ['undefined at the top', undefined, null],
    ['integer', 42, 42],
    ['float', 1.5, 1.5],
    ['-0', -0, 0],
    ['NaN', NaN, null],
    ['Infinity', Infinity, null],
    ['-Infinity', -Infinity, null],
    ['safe bigint', 42n, 42],
    ['negative safe bigint', -(2n ** 53n - 1n), -(2 ** 53 - 1)],
    ['unsafe bigint', 2n ** 53n, '9007199254740992'],
    ['huge bigint', -(10n ** 30n), '-1000000000000000000000000000000'],
    ['Date', new Date(Date.UTC(2023, 0, 1, 12)), '2023-01-01T12:00:00.000Z'],
    ['invalid Date', new Date(NaN), null],
    ['Map', new Map<unknown, unknown>([['a', 1], [2, 'b'], [true, null]]), { a: 1, 2: 'b', true: null }],
    ['Map with undefined and function values', new Map<string, unknown>([['u', undefined], ['f', () => 1], ['k', 1]]), { k: 1 }],
    ['Set', new Set([1, 'a', undefined]), [1, 'a', null]],
    ['Buffer (UTF-8)', Buffer.from('héllo'), 'héllo'],
    ['Uint8Array (UTF-8)', new TextEncoder().encode('日本'), '日本'],
    ['Buffer (not UTF-8) → base64', Buffer.from([0xff, 0x00, 0xfe]), '/wD+'],
    ['Buffer keeps a BOM', Buffer.from([0xef, 0xbb, 0xbf, 0x61]), '\uFEFFa'],
    ['empty Buffer', Buffer.alloc(0), ''],
    ['subarray view', Buffer.from('xxabcxx').subarray(2, 5), 'abc'],
    ['Uint16Array bytes', new Uint16Array([0x6261]), 'ab'],
    ['DataView', new DataView(new TextEncoder().encode('dv').buffer), 'dv'],
    ['ArrayBuffer', new TextEncoder().encode('ab').buffer, 'ab'],
    ['SharedArrayBuffer', new SharedArrayBuffer(2), '\u0000\u0000'],
    ['URL', new URL('https://example.com/a b?q=1'), 'https://example.com/a%20b?q=1'],
    ['RegExp', /^a+b$/gi, '^a+b$'],
    ['boxed number', Object(3), 3],
    ['boxed string', Object('s'), 's'],
    ['boxed boolean', Object(false), false],
    ['boxed bigint', Object(2n ** 64n), '18446744073709551616'],
    ['boxed NaN', Object(NaN), null],
    ['array with undefined, function, symbol', [1, undefined, () => 1, sym, null], [1, null, null, null, null]],
    ['sparse array', [1, , 3], [1, null, 3]],
    ['object drops undefined, function, symbol fields', { a: 1, u: undefined, f () {}, s: sym, n: null }, { a: 1, n: null }],
    ['symbol keys are ignored', { [sym]: 1, a: 2 }, { a: 2 }],
    ['class instance: own enumerable fields', new Item(), { name: 'Foo', price: 50.2, tags: ['a'] }],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }],
    ['toJSON', { toJSON: () => ({ replaced: new Date(0) }) }, { replaced: '1970-01-01T00:00:00.000Z' }],
    ['toJSON returning a primitive', { toJSON: () => 7 }, 7],
    ['toJSON returning undefined at the top', { toJSON: () => undefined }, null],
    ['nested', { a: [{ b: new Map([['c', new Set([1n])]]) }] }, { a: [{ b: { c: [1] } }] }],
    ['Error: no own enumerable fields', new Error('x'), {}],
  ]
  for (const [label, input, expected] of table) {
    t.strictSame(jsonable(input), expected, label)
  }
})

t.test('Map keys', async t => {
  const fn = (): number => 1
  const nullProto = Object.assign(Object.create(null) as object, { n: 1 })
  const map = new Map<unknown, unknown>([
    ['s', 1],
    [2, 2],
    [2n, 'bigint'],
    [false, 3],
    [null, 4],
    [undefined, 5],
    [Symbol('desc'), 6],
    [new Date(0), 7],
    [{ a: 1 }, 8],
    [nullProto, 9],
    [[1, Symbol('x')], 10],
    [fn, 11],
    [Object(true), 12],
  ])
  t.strictSame(jsonable(map), {
    s: 1,
    2: 'bigint', // 2 and 2n give the same key: the last one wins
    false: 3,
    null: 4,
    undefined: 5,
    'Symbol(desc)': 6,
    '1970-01-01T00:00:00.000Z': 7,
    '{"a":1}': 8,
    '{"n":1}': 9,
    '[1,null]': 10,
    true: 12,
  })
  // A key whose toJSON gives undefined has no name: the entry is dropped.
  t.strictSame(jsonable(new Map([[{ toJSON: () => undefined }, 1]])), {})
  // A cycle inside a key is still a cycle.
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  t.throws(() => jsonable(new Map([[cyclic, 1]])), { code: 'RC_ERR_JSONABLE_CYCLE' })
})

t.test('class instances: non-enumerable and prototype fields are left out', async t => {
  const item = new Item()
  Object.defineProperty(item, 'invisible', { value: 1, enumerable: false })
  const out = jsonable(item) as Record<string, JsonValue>
  t.notOk('computed' in out)
  t.notOk('invisible' in out)
  t.notOk('method' in out)
})

t.test('toJSON: called once per position, with the key', async t => {
  const keys: string[] = []
  const spy = { toJSON (key: string) { keys.push(key); return 'spied' } }
  t.strictSame(jsonable({ a: spy, list: [spy], map: new Map([['m', spy]]), set: new Set([spy]) }), {
    a: 'spied', list: ['spied'], map: { m: 'spied' }, set: ['spied'],
  })
  t.strictSame(keys, ['a', '0', 'm', '0'])
  t.equal(jsonable(spy), 'spied')
  t.equal(keys.at(-1), '', 'the top-level key is the empty string, as in JSON.stringify')

  // A toJSON result's own toJSON is not called (JSON.stringify's rule).
  const inner = { toJSON: () => 'inner', x: 1 }
  t.strictSame(jsonable({ toJSON: () => inner }), { x: 1 })
  // Returning `this` encodes the fields instead of looping.
  const self = { a: 1, toJSON () { return this } }
  t.strictSame(jsonable(self), { a: 1 })
  // A toJSON result that contains its own holder is a cycle.
  const holder = { toJSON () { return { again: holder } } }
  t.throws(() => jsonable(holder), { code: 'RC_ERR_JSONABLE_CYCLE' })
  // Leaf types win over toJSON: Buffer#toJSON and Date#toJSON are not used.
  t.equal(jsonable(Buffer.from('b')), 'b')
})

t.test('excludeNone', async t => {
  const value = {
    a: 1,
    n: null,
    u: undefined,
    nan: NaN,
    d: new Date(NaN),
    nested: { keep: 0, drop: null, empty: '' },
    list: [null, 1],
    map: new Map<string, unknown>([['x', null], ['y', false]]),
  }
  t.strictSame(jsonable(value, { excludeNone: true }), {
    a: 1, nested: { keep: 0, empty: '' }, list: [null, 1], map: { y: false },
  })
  t.strictSame(jsonable(value), {
    a: 1, n: null, nan: null, d: null, nested: { keep: 0, drop: null, empty: '' }, list: [null, 1], map: { x: null, y: false },
  })
  t.strictSame(jsonable(value, { excludeNone: false }), jsonable(value))
  t.equal(jsonable(null, { excludeNone: true }), null, 'a top-level null stays null')
})

t.test('cycles', async t => {
  const a: Record<string, unknown> = { b: {} }
  ;(a.b as Record<string, unknown>).back = a
  t.throws(() => jsonable(a), { code: 'RC_ERR_JSONABLE_CYCLE', message: /\$\.b\.back refers back to \$(?![.[])/ })

  const list: unknown[] = [1]
  list.push({ inner: list })
  t.throws(() => jsonable({ list }), { code: 'RC_ERR_JSONABLE_CYCLE', message: /\$\.list\[1\]\.inner refers back to \$\.list\b/ })

  const map = new Map<string, unknown>()
  map.set('weird key', map)
  t.throws(() => jsonable(map), { message: /\$\["weird key"\] refers back to \$/ })

  const set = new Set<unknown>()
  set.add(set)
  t.throws(() => jsonable(set), { message: /\$\[0\]/ })

  const selfRef: Record<string, unknown> = {}
  selfRef.self = selfRef
  const error = t.throws(() => jsonable(selfRef))
  t.type(error, RoutecraftError)

  const longKey = 'k'.repeat(100)
  const deepCycle: Record<string, unknown> = {}
  deepCycle[longKey] = deepCycle
  t.throws(() => jsonable(deepCycle), { message: new RegExp(`\\$\\["${'k'.repeat(40)}…"\\]`) })
})

t.test('a repeated, acyclic reference is encoded twice', async t => {
  const shared = { x: 1 }
  const when = new Date(0)
  t.strictSame(jsonable({ a: shared, b: shared, c: [shared, shared], d: when, e: when }), {
    a: { x: 1 }, b: { x: 1 }, c: [{ x: 1 }, { x: 1 }], d: '1970-01-01T00:00:00.000Z', e: '1970-01-01T00:00:00.000Z',
  })
})

t.test('functions and symbols at the top throw', async t => {
  t.throws(() => jsonable(() => 1), { code: 'RC_ERR_JSONABLE_VALUE', message: /function/ })
  t.throws(() => jsonable(Symbol('x')), { code: 'RC_ERR_JSONABLE_VALUE', message: /symbol/ })
})

t.test('__proto__ and other special keys become own data properties', async t => {
  const input = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, "prototype": 2}') as unknown
  const out = jsonable(input) as Record<string, JsonValue>
  t.equal(Object.getPrototypeOf(out), Object.prototype)
  t.ok(Object.hasOwn(out, '__proto__'))
  t.strictSame(Object.keys(out), ['__proto__', 'constructor', 'prototype'])
  t.equal(JSON.stringify(out), '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"prototype":2}')
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.equal((out as { polluted?: unknown }).polluted, undefined)

  const fromMap = jsonable(new Map([['__proto__', { polluted: true }]])) as Record<string, JsonValue>
  t.ok(Object.hasOwn(fromMap, '__proto__'))
  t.equal(Object.getPrototypeOf(fromMap), Object.prototype)
  t.equal(JSON.stringify(fromMap), '{"__proto__":{"polluted":true}}')
})

t.test('deep nesting: a clear error instead of a stack overflow', async t => {
  const nest = (depth: number, make: (inner: unknown) => unknown): unknown => {
    let value: unknown = 'leaf'
    for (let i = 0; i < depth; i++) value = make(value)
    return value
  }
  const atLimit = jsonable(nest(JSONABLE_MAX_DEPTH, inner => ({ a: inner })))
  t.equal(JSON.parse(JSON.stringify(atLimit)) !== null, true, 'the deepest accepted value can be stringified')
  let probe: JsonValue = atLimit
  for (let i = 0; i < JSONABLE_MAX_DEPTH; i++) probe = (probe as Record<string, JsonValue>).a
  t.equal(probe, 'leaf')

  t.throws(() => jsonable(nest(JSONABLE_MAX_DEPTH + 1, inner => [inner])), {
    code: 'RC_ERR_JSONABLE_VALUE', message: /more than 1000 levels deep \(at \$\[0\]\[0\].*…\(980 more\)…/,
  })
  for (const depth of [10_000, 100_000]) {
    const error = t.throws(() => jsonable(nest(depth, inner => ({ a: inner }))))
    t.match(error, { name: 'RoutecraftError', code: 'RC_ERR_JSONABLE_VALUE' }, `depth ${depth}`)
  }
})

t.test('inputs are not mutated', async t => {
  const input = { d: new Date(0), m: new Map([['k', 1]]), list: [1, undefined] }
  const before = { d: input.d.getTime(), m: [...input.m], list: [...input.list] }
  jsonable(input)
  t.strictSame({ d: input.d.getTime(), m: [...input.m], list: [...input.list] }, before)
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toJSON'))
const extras = fc.oneof(
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
  fc.double(),
  fc.constantFrom(undefined, null, NaN, -0, Infinity, () => 1, Symbol('s')),
  fc.uint8Array({ maxLength: 8 }).map(bytes => Buffer.from(bytes)),
)
const anyValue = fc.anything({
  key,
  values: [fc.boolean(), fc.integer(), fc.string({ unit: 'binary' }), extras],
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
})

t.test('property: the result survives a JSON round trip unchanged', async t => {
  fc.assert(
    fc.property(anyValue, fc.boolean(), (value, excludeNone) => {
      // Symbols and functions may be generated at the top; they are covered above.
      if (typeof value === 'function' || typeof value === 'symbol') return true
      const out = jsonable(value, { excludeNone })
      return isDeepStrictEqual(JSON.parse(JSON.stringify(out)), out)
    }),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})

t.test('property: jsonable is idempotent', async t => {
  fc.assert(
    fc.property(anyValue, fc.boolean(), (value, excludeNone) => {
      if (typeof value === 'function' || typeof value === 'symbol') return true
      const once = jsonable(value, { excludeNone })
      return isDeepStrictEqual(jsonable(once, { excludeNone }), once)
    }),
    { numRuns: 10000 },
  )
  t.pass('10000 runs')
})
