import { deepStrictEqual } from 'node:assert/strict'
import t from 'tap'
import fc from 'fast-check'
import { deepMerge } from '../../src/openapi/merge.js'
import { isPlainObject } from '../../src/common/objects.js'

// ---------------------------------------------------------------------------------------------
// Generators: JSON-like trees whose keys include the hostile ones
// ---------------------------------------------------------------------------------------------

const numRuns = 10_000
const unsafe = ['__proto__', 'constructor', 'prototype']

/** A tree described as data, built into a value by `build` (so keys like `__proto__` stay own keys). */
type Spec = null | boolean | number | string | undefined | { arr: Spec[] } | { obj: Array<[string, Spec]> }

const key = fc.oneof(
  fc.constantFrom(...unsafe, 'polluted', 'toString', 'hasOwnProperty', 'a', 'b'),
  fc.string({ maxLength: 3 }),
)
const safeKey = fc.string({ maxLength: 3 }).filter(k => !unsafe.includes(k))

function specs (withUndefined: boolean): { node: fc.Arbitrary<Spec>, arr: fc.Arbitrary<Spec>, obj: fc.Arbitrary<Spec> } {
  const leaves: Array<fc.Arbitrary<Spec>> = [fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 4 })]
  if (withUndefined) leaves.push(fc.constant(undefined))
  return fc.letrec<{ node: Spec, arr: Spec, obj: Spec }>(tie => ({
    node: fc.oneof({ depthSize: 'small' }, fc.oneof(...leaves), tie('arr'), tie('obj')),
    arr: fc.array(tie('node'), { maxLength: 4 }).map(items => ({ arr: items })),
    obj: fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map(entries => ({ obj: entries })),
  }))
}

/** Builds with `Object.defineProperty`, as a literal `{ ['__proto__']: … }` would. */
function build (spec: Spec): unknown {
  if (spec === null || typeof spec !== 'object') return spec
  if ('arr' in spec) return spec.arr.map(build)
  const out: Record<string, unknown> = {}
  for (const [k, v] of spec.obj) {
    Object.defineProperty(out, k, { value: build(v), enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** Builds through `JSON.parse`, which makes `"__proto__"` an own key (no undefined in JSON). */
function toJson (spec: Spec): string {
  if (spec === null || typeof spec !== 'object') return JSON.stringify(spec ?? null)
  if ('arr' in spec) return `[${spec.arr.map(toJson).join(',')}]`
  return `{${spec.obj.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`
}

/** `v` minus what deepMerge skips when it copies user input: unsafe keys and undefined values. */
function strip (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip)
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v)) {
      if (!unsafe.includes(k) && v[k] !== undefined) out[k] = strip(v[k])
    }
    return out
  }
  return v
}

/** Every object and array reachable from `v`. */
function reachable (v: unknown, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null && !into.has(v)) {
    into.add(v)
    for (const item of Object.values(v)) reachable(item, into)
  }
  return into
}

const any = specs(true).node.map(build)
const anyDefined = specs(false).node.map(build)
const plain = specs(true).obj.map(build) as fc.Arbitrary<Record<string, unknown>>
const array = specs(true).arr.map(build) as fc.Arbitrary<unknown[]>
const hostileJson = specs(false).node.map(s => JSON.parse(toJson(s)) as unknown)

/**
 * Runs a property 10 000 times (fc.assert prints the seed and the counterexample on failure)
 * and returns how often the predicate ran, for the caller to check.
 */
function check<Ts extends [unknown, ...unknown[]]> (
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, predicate: (...args: Ts) => void,
): number {
  let runs = 0
  fc.assert(fc.property(...arbs, (...args: Ts) => { runs++; predicate(...args) }), { numRuns })
  return runs
}

const prototypeNames = (): string[] => [
  ...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype),
].sort()

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

t.test('FastAPI semantics: objects recurse, arrays concatenate, the rest is replaced', async t => {
  const operation = {
    summary: 'Read Items',
    tags: ['items'],
    parameters: [{ name: 'q', in: 'query' }],
    responses: { 200: { description: 'Successful Response' } },
  }
  const extra = {
    tags: ['extra'],
    parameters: [{ name: 'x-token', in: 'header' }],
    responses: { 200: { 'x-cache': true }, 404: { description: 'Not found' } },
    summary: 'Other',
    'x-aperture-labs-portal': 'blue',
  }
  t.same(deepMerge(operation, extra), {
    summary: 'Other',
    tags: ['items', 'extra'],
    parameters: [{ name: 'q', in: 'query' }, { name: 'x-token', in: 'header' }],
    responses: { 200: { description: 'Successful Response', 'x-cache': true }, 404: { description: 'Not found' } },
    'x-aperture-labs-portal': 'blue',
  })
  t.same(Object.keys(deepMerge({ b: 1, a: 1 }, { c: 1, a: 2 })), ['b', 'a', 'c'], 'base keys keep their order, new keys follow')
})

t.test('null, scalars and type mismatches replace', async t => {
  t.same(deepMerge({ a: { b: 1 } }, { a: null }), { a: null })
  t.same(deepMerge({ a: [1] }, { a: { x: 1 } }), { a: { x: 1 } }, 'object onto array')
  t.same(deepMerge({ a: { x: 1 } }, { a: [1] }), { a: [1] }, 'array onto object')
  t.same(deepMerge({ a: 1 }, { a: 'one' }), { a: 'one' })
  t.equal(deepMerge<unknown>(1, 2), 2)
  t.same(deepMerge<unknown>('x', { y: 1 }), { y: 1 })
  t.same(deepMerge<unknown>({ y: 1 }, 'x'), 'x')
  t.same(deepMerge([1], [2, 3]), [1, 2, 3])
})

t.test('undefined in extra is skipped; undefined array items are kept', async t => {
  t.same(deepMerge({ a: 1 }, { a: undefined, b: undefined }), { a: 1 })
  t.notOk(Object.hasOwn(deepMerge({ a: 1 }, { b: undefined }), 'b'))
  t.same(deepMerge({}, { n: { a: undefined, b: 2 } }), { n: { b: 2 } }, 'nested, in a copied subtree')
  const top = { a: { b: 1 } }
  const copy = deepMerge(top, undefined)
  t.same(copy, top, 'top-level undefined gives a copy of base')
  t.not(copy, top)
  t.not(copy.a, top.a)
  const arr = deepMerge<unknown[]>([], [undefined, 1])
  t.equal(arr.length, 2)
  t.equal(arr[0], undefined)
})

t.test('inputs are not mutated and nothing is shared', async t => {
  const base = { a: { b: [1, { c: 1 }] }, k: [{ x: 1 }] }
  const extra = { a: { b: [{ d: 2 }], e: { f: 1 } }, k: [{ y: 2 }] }
  const before = structuredClone({ base, extra })
  const out = deepMerge(base, extra)
  deepStrictEqual({ base, extra }, before)
  t.same(out, { a: { b: [1, { c: 1 }, { d: 2 }], e: { f: 1 } }, k: [{ x: 1 }, { y: 2 }] })
  const inputs = reachable({ base, extra })
  for (const o of reachable(out)) t.notOk(inputs.has(o), 'no shared object')
  out.k.push({ x: 3 })
  t.equal(base.k.length, 1)
})

t.test('values that are neither plain objects nor arrays are leaves taken as they are', async t => {
  class Model { x = 1 }
  const date = new Date(0)
  const fn = (): number => 1
  const out = deepMerge<Record<string, unknown>>({ m: new Model(), d: 1 }, { m: { y: 2 }, d: date, f: fn })
  t.same(out.m, { y: 2 }, 'a class instance is not merged into')
  t.equal(out.d, date)
  t.equal(out.f, fn)
  const model = new Model()
  t.equal(deepMerge<Record<string, unknown>>({}, { m: model }).m, model)
})

t.test('symbol keys are not copied; null-prototype objects merge and come out ordinary', async t => {
  const kind = Symbol('kind')
  const out = deepMerge<Record<string | symbol, unknown>>({ [kind]: 'Object', a: 1 }, { b: 2 })
  t.same(Object.getOwnPropertySymbols(out), [])
  const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: { b: 1 } })
  const merged = deepMerge(bare, { a: { c: 2 } })
  t.equal(Object.getPrototypeOf(merged), Object.prototype)
  t.same(merged, { a: { b: 1, c: 2 } })
})

t.test('inherited properties of base are not merged into', async t => {
  const out = deepMerge<Record<string, unknown>>({}, { toString: { x: 1 }, hasOwnProperty: 1 })
  t.same(out.toString, { x: 1 })
  t.equal(typeof Object.prototype.toString, 'function')
  t.equal(typeof Object.prototype.hasOwnProperty, 'function')

  // In a realm that something else already polluted, inherited values must still not be
  // merged into (this is what the own-property check is for).
  const proto = Object.prototype as Record<string, unknown>
  proto.inheritedObject = { inherited: true }
  proto.inheritedArray = ['inherited']
  try {
    const polluted = deepMerge<Record<string, unknown>>({}, { inheritedObject: { y: 1 }, inheritedArray: ['own'] })
    t.same(Object.entries(polluted), [['inheritedObject', { y: 1 }], ['inheritedArray', ['own']]])
    t.notOk(Object.hasOwn(polluted.inheritedObject as object, 'inherited'))
  } finally {
    delete proto.inheritedObject
    delete proto.inheritedArray
  }
})

// ---------------------------------------------------------------------------------------------
// Prototype pollution
// ---------------------------------------------------------------------------------------------

t.test('hostile keys never reach a prototype', async t => {
  const names = prototypeNames()
  const hostile = [
    '{"__proto__": {"polluted": 1}}',
    '{"a": {"__proto__": {"polluted": 1}}}',
    '{"constructor": {"prototype": {"polluted": 1}}}',
    '{"a": [{"__proto__": {"polluted": 1}}]}',
    '{"prototype": {"polluted": 1}}',
  ]
  for (const text of hostile) {
    const extra: unknown = JSON.parse(text)
    for (const base of [{}, { a: {} }, { a: [] }, { constructor: {} }, JSON.parse(text) as unknown]) {
      const out = deepMerge(base, extra)
      t.equal(({} as Record<string, unknown>).polluted, undefined, `${text} into ${JSON.stringify(base)}`)
      t.equal(Object.getPrototypeOf(out), Object.prototype)
    }
  }
  t.same(deepMerge({}, JSON.parse(hostile[0] as string)), {}, '__proto__ of extra skipped')
  t.same(deepMerge({ a: {} }, JSON.parse(hostile[1] as string)), { a: {} })
  t.same(deepMerge({}, JSON.parse(hostile[2] as string)), {}, 'constructor of extra skipped')
  t.same(deepMerge({ a: [] }, JSON.parse(hostile[3] as string)), { a: [{}] }, 'inside arrays too')
  t.same(deepMerge({}, JSON.parse(hostile[4] as string)), {}, 'prototype of extra skipped')

  // A literal with a computed key makes an own `__proto__`, as JSON.parse does.
  const literal = { ['__proto__']: { polluted: 1 } }
  t.ok(Object.hasOwn(literal, '__proto__'))
  t.same(deepMerge({}, literal), {})

  // base is copied faithfully: its own `__proto__` key stays an own data property.
  const fromBase = deepMerge<Record<string, unknown>>(JSON.parse('{"__proto__": {"polluted": 1}}'), {})
  t.ok(Object.hasOwn(fromBase, '__proto__'))
  t.equal(Object.getPrototypeOf(fromBase), Object.prototype)
  t.equal(fromBase.polluted, undefined)
  t.same(prototypeNames(), names, 'Object.prototype and Array.prototype unchanged')
})

t.test('property: hostile JSON.parse inputs never pollute a prototype', async t => {
  const names = prototypeNames()
  t.equal(check([hostileJson, hostileJson], (a, b) => {
    const out = deepMerge(a, b)
    deepStrictEqual(({} as Record<string, unknown>).polluted, undefined)
    deepStrictEqual(([] as unknown as Record<string, unknown>).polluted, undefined)
    for (const o of reachable(out)) {
      deepStrictEqual(Object.getPrototypeOf(o), Array.isArray(o) ? Array.prototype : Object.prototype)
    }
  }), numRuns)
  t.same(prototypeNames(), names)
})

// ---------------------------------------------------------------------------------------------
// Laws
// ---------------------------------------------------------------------------------------------

t.test('property: inputs are never mutated', async t => {
  t.equal(check([any, any], (a, b) => {
    const before = structuredClone({ a, b })
    deepMerge(a, b)
    deepStrictEqual({ a, b }, before)
  }), numRuns)
})

t.test('property: the result shares no object or array with the inputs', async t => {
  t.equal(check([any, any], (a, b) => {
    const inputs = reachable({ a, b })
    for (const o of reachable(deepMerge(a, b))) deepStrictEqual(inputs.has(o), false)
  }), numRuns)
})

t.test('property: right identity, deepMerge(a, {}) and deepMerge(a, undefined) equal a', async t => {
  t.equal(check([plain, any], (a, x) => {
    deepStrictEqual(deepMerge(a, {}), a)
    deepStrictEqual(deepMerge(x, undefined), x)
  }), numRuns)
})

t.test('property: left identity, deepMerge({}, b) equals b minus skipped keys', async t => {
  t.equal(check([plain], b => {
    deepStrictEqual(deepMerge({}, b), strip(b))
  }), numRuns)
})

t.test('property: object recursion, deepMerge({k: a}, {k: b}) equals {k: deepMerge(a, b)}', async t => {
  t.equal(check([safeKey, plain, plain, any, anyDefined], (k, a, b, x, y) => {
    deepStrictEqual(deepMerge({ [k]: a }, { [k]: b }), { [k]: deepMerge(a, b) })
    // Not only for plain objects: any value under an own key merges with any defined value.
    deepStrictEqual(deepMerge({ [k]: x }, { [k]: y }), { [k]: deepMerge(x, y) })
  }), numRuns)
})

t.test('property: list concatenation, deepMerge(x, y) equals [...x, ...y] (y cleaned)', async t => {
  t.equal(check([array, array, safeKey], (x, y, k) => {
    const expected = [...x, ...(strip(y) as unknown[])]
    deepStrictEqual(deepMerge(x, y), expected)
    deepStrictEqual(deepMerge({ [k]: x }, { [k]: y }), { [k]: expected })
  }), numRuns)
})

t.test('property: replacement, anything but object/object and array/array gives extra', async t => {
  t.equal(check([any, anyDefined], (a, b) => {
    const recurses = (isPlainObject(a) && isPlainObject(b)) || (Array.isArray(a) && Array.isArray(b))
    if (!recurses) deepStrictEqual(deepMerge(a, b), strip(b))
  }), numRuns)
})
