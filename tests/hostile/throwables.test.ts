// Any throwable, any detail → a clean answer. Handlers, async handlers and dependencies throw
// or reject with every kind of JavaScript value, and HttpErrors carry every kind of detail
// JSON cannot hold; the answer is the HttpError's own when it can be sent, otherwise FastAPI's
// clean 500 — never Fastify's error body, never a message from inside the error.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import YAML from 'yaml'
import { dependency, HttpError, route, validate } from '../../src/index.js'

const CLEAN = '{"detail":"Internal Server Error"}'
const hostile = (): Record<string, unknown> => new Proxy({}, {
  get () { throw new Error('proxy get: secret') },
  getPrototypeOf () { throw new Error('proxy proto: secret') },
  ownKeys () { throw new Error('proxy keys: secret') },
  has () { throw new Error('proxy has: secret') },
})

/** Every kind of value a `throw` or a `reject` can carry. */
function throwables (): Array<[string, unknown]> {
  const getters = Object.defineProperties(new Error('secret'), {
    statusCode: { get () { throw new Error('statusCode getter: secret') } },
    code: { get () { throw new Error('code getter: secret') } },
  })
  return [
    ['null', null], ['undefined', undefined], ['0', 0], ['NaN', NaN], ['an empty string', ''], ['a string', 'db password hunter2'],
    ['true', true], ['a symbol', Symbol('secret')], ['a BigInt', 10n], ['a function', () => 'secret'], ['a plain object', { message: 'secret', statusCode: 400 }],
    ['an array', ['secret']], ['an Error with throwing getters', getters], ['a hostile proxy', hostile()],
    ['expose with a non-string message', Object.assign(new Error(), { message: 10n, statusCode: 400, expose: true })],
    ['expose with an object message', Object.assign(new Error(), { message: { secret: 1 }, statusCode: 400, expose: true })],
    ['an Object.create(null) error', Object.assign(Object.create(null), { statusCode: 404, message: 'secret' })],
    ['a frozen Error', Object.freeze(new Error('secret'))],
    ['an Error whose toString throws', Object.assign(new Error('secret'), { toString () { throw new Error('x') } })],
  ]
}

/** Every kind of detail JSON.stringify refuses. */
function badDetails (): Array<[string, unknown]> {
  const cycle: Record<string, unknown> = { a: 1 }
  cycle.self = cycle
  const arrayCycle: unknown[] = []
  arrayCycle.push([arrayCycle])
  let deep: unknown = 'leaf'
  for (let i = 0; i < 100_000; i++) deep = [deep]
  return [
    ['a cycle', cycle], ['a cycle through arrays', arrayCycle], ['a nested cycle', [{ loc: ['body'], input: cycle }]],
    ['a BigInt', 10n], ['a nested BigInt', { n: [1n] }], ['a throwing toJSON', { toJSON () { throw new Error('toJSON: secret') } }],
    ['a toJSON returning a BigInt', { toJSON: () => 1n }], ['a throwing getter', Object.defineProperty({}, 'x', { enumerable: true, get () { throw new Error('secret') } })],
    ['a hostile proxy', hostile()], ['100,000 levels of nesting', deep],
  ]
}

async function app (t: { teardown: (fn: () => unknown) => void }, thrown: unknown): Promise<FastifyInstance> {
  const a = Fastify({ logger: false })
  t.teardown(() => a.close())
  const throwingDep = dependency({ resolve: () => { throw thrown } })
  const rejectingDep = dependency({ resolve: async () => { throw thrown } })
  await a.register(route({ method: 'GET', url: '/sync', handler: () => { throw thrown } }))
  await a.register(route({ method: 'GET', url: '/async', handler: async () => { throw thrown } }))
  await a.register(route({ method: 'GET', url: '/rejected', handler: () => Promise.reject(thrown) }))
  await a.register(route({ method: 'GET', url: '/dep', deps: { d: throwingDep }, handler: () => 'x' }))
  await a.register(route({ method: 'GET', url: '/async-dep', deps: { d: rejectingDep }, handler: () => 'x' }))
  return a
}

const paths = ['/sync', '/async', '/rejected', '/dep', '/async-dep']

t.test('a deeply nested detail the runtime can serialize is answered as given; one it cannot is a clean 500', async t => {
  let deep: unknown = 'leaf'
  for (let i = 0; i < 100_000; i++) deep = [deep]
  const a = await app(t, new HttpError(422, deep, { 'X-Trace': 'a' }))
  for (const path of paths) {
    const res = await a.inject({ method: 'GET', url: path })
    if (refused(deep)) {
      t.same([res.statusCode, res.body, res.headers['x-trace']], [500, CLEAN, undefined], `${path}: refused by this runtime's JSON, a clean 500`)
    } else {
      t.same([res.statusCode, res.body, res.headers['x-trace']], [422, JSON.stringify({ detail: deep }), 'a'], `${path}: serializable here, answered as given`)
    }
  }
})

t.test('every kind of thrown or rejected value: a clean 500, from handlers and dependencies', async t => {
  for (const [label, value] of throwables()) {
    const a = await app(t, value)
    for (const path of paths) {
      const res = await a.inject({ method: 'GET', url: path })
      t.equal(res.statusCode, 500, `${label} ${path}`)
      t.equal(res.body, CLEAN, `${label} ${path}: nothing from the error`)
      t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    }
  }
  const rejectNothing = Fastify({ logger: false })
  t.teardown(() => rejectNothing.close())
  // eslint-disable-next-line prefer-promise-reject-errors
  await rejectNothing.register(route({ method: 'GET', url: '/', handler: () => Promise.reject() }))
  const res = await rejectNothing.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 500, 'Promise.reject()')
  t.equal(res.body, CLEAN)
})

/** Whether this runtime's JSON.stringify refuses the value (deep nesting: V8 versions differ). */
function refused (value: unknown): boolean {
  try { JSON.stringify(value); return false } catch { return true }
}

t.test('an HttpError whose detail JSON cannot hold: a clean 500, with or without headers', async t => {
  const all = badDetails()
  const bad = all.filter(([, detail]) => refused(detail))
  // Only how deep JSON.stringify may nest depends on the runtime (Node 20 refuses 100,000
  // levels, newer V8 does not); every other kind is refused everywhere.
  t.same(all.filter(([, detail]) => !refused(detail)).map(([label]) => label).filter(label => label !== '100,000 levels of nesting'), [], 'every other kind is refused by JSON.stringify')
  for (const [label, detail] of bad) {
    for (const headers of [undefined, { 'X-Trace': 'a' }]) {
      const a = await app(t, new HttpError(422, detail, headers))
      for (const path of paths) {
        const res = await a.inject({ method: 'GET', url: path })
        t.equal(res.statusCode, 500, `${label} ${path}`)
        t.equal(res.body, CLEAN, `${label} ${path}: the clean body`)
        t.equal(res.headers['x-trace'], undefined, `${label}: no header from an error that could not be answered`)
      }
    }
  }
})

t.test('an HttpError whose detail is JSON answers as it asks, byte for byte', async t => {
  const details: unknown[] = ['x', '', 0, null, false, [], {}, [{ type: 'missing', loc: ['body', 'a'], msg: 'Field required', input: null }], { nested: { a: [1, 'b'] } }, 'ü€𝄞']
  for (const detail of details) {
    const a = await app(t, new HttpError(409, detail, { 'X-Why': 'conflict' }))
    const res = await a.inject({ method: 'GET', url: '/async' })
    t.equal(res.statusCode, 409)
    t.equal(res.body, JSON.stringify({ detail }))
    t.equal(res.headers['x-why'], 'conflict')
  }
})

t.test('the documented validate() + HttpError(422, errors) pattern with a self-referencing YAML alias', async t => {
  const Item = Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) })
  const a = Fastify({ logger: false })
  t.teardown(() => a.close())
  await a.register(route({
    method: 'POST', url: '/items', rawBody: true,
    handler: ({ body }) => {
      const result = validate(Item, YAML.parse(body.toString(), { maxAliasCount: -1 }))
      if (!result.ok) throw new HttpError(422, result.errors)
      return result.value
    },
  }))
  for (const doc of ['name: &a [*a]\ntags: []\n', 'name: x\ntags: &t [*t]\n', '&root\nname: 1\ntags: *root\n', 'name: x\ntags: [&l [*l, *l]]\n']) {
    const res = await a.inject({ method: 'POST', url: '/items', headers: { 'content-type': 'application/yaml' }, payload: doc })
    t.ok(res.statusCode === 422 || (res.statusCode === 500 && res.body === CLEAN), `${JSON.stringify(doc)}: ${res.statusCode}`)
    t.notMatch(res.body, /Converting circular|statusCode|Cannot destructure/, 'never Fastify\'s or Node\'s message')
    if (res.statusCode === 422) t.ok(Array.isArray(res.json().detail), 'a list of issues')
  }
})

t.test('a logger that throws while the error is logged: still the clean 500', async t => {
  const noop = (): void => {}
  const logger = { level: 'info', info: noop, warn: noop, debug: noop, trace: noop, fatal: noop, silent: noop, error () { throw new Error('logger down') }, child () { return logger } }
  const a = Fastify({ loggerInstance: logger as never })
  t.teardown(() => a.close())
  await a.register(route({ method: 'GET', url: '/', handler: () => { throw new Error('secret') } }))
  const res = await a.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, CLEAN)
})
