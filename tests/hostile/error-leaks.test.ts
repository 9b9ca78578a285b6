// No error detail leaks (docs/security.md): only HttpError, request validation and errors with
// a 4xx status (Fastify's own request errors, other plugins' errors such as @fastify/rate-limit's
// 429, anything thrown with `statusCode` 4xx — as Fastify itself answers them) keep their
// message; anything else is a 500 {"detail":"Internal Server Error"}, from handlers, from
// dependencies, from the response model and from openapi()'s `protect`.
// (More throwers from dependencies: tests/behaviour/dependencies.test.ts.)
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependency, HttpError, openapi, route } from '../../src/index.js'

const INTERNAL = '{"detail":"Internal Server Error"}'

async function appWith (t: Tap, handler: () => unknown, extra: Partial<Parameters<typeof route>[0]> = {}): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/', ...extra, handler: function probe () { return handler() } } as Parameters<typeof route>[0]))
  return app
}
type Tap = { teardown: (fn: () => unknown) => void }

t.test('expose: true with a 4xx keeps its message (the http-errors convention)', async t => {
  const app = await appWith(t, () => { throw Object.assign(new Error('Quota exceeded for this key'), { statusCode: 429, expose: true }) })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 429)
  t.same(res.json(), { detail: 'Quota exceeded for this key' })
})

t.test('a 4xx status keeps its message whatever expose says (Fastify\'s rule)', async t => {
  for (const [label, props] of [['expose: "yes", 400', { statusCode: 400, expose: 'yes' }], ['expose: false, 404', { statusCode: 404, expose: false }]] as const) {
    const app = await appWith(t, () => { throw Object.assign(new Error(`Not here (${label})`), props) })
    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, props.statusCode, label)
    t.equal(res.body, JSON.stringify({ detail: `Not here (${label})` }), label)
  }
})

t.test('a 5xx, a status that is no 4xx integer, or no status at all is a clean 500', async t => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['expose: true, 503', { statusCode: 503, expose: true }],
    ['a status of 4.5e2', { statusCode: 450.5 }],
    ['a string status', { statusCode: '404' }],
    ['a status of 399', { status: 399 }],
    ['a FST_-looking code without a status', { code: 'FST_ERR_SOMETHING' }],
    ['a FST_-looking code with a 5xx status', { code: 'FST_ERR_SOMETHING', statusCode: 502 }],
  ]
  for (const [label, props] of cases) {
    const app = await appWith(t, () => { throw Object.assign(new Error(`db at 10.0.0.5 said no (${label})`), props) })
    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 500, label)
    t.equal(res.body, INTERNAL, `${label}: nothing leaks`)
  }
})

t.test('a value that does not fit the response model is a clean 500', async t => {
  const app = await appWith(t, () => ({ name: { secret: 'hunter2' } }), { response: Type.Object({ name: Type.Integer() }) })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
})

t.test('a cyclic value without a response model is a clean 500', async t => {
  const app = await appWith(t, () => { const a: Record<string, unknown> = { password: 'hunter2' }; a.self = a; return a })
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 500)
  t.equal(res.body, INTERNAL)
})

t.test('openapi() protect: a throwing dependency leaks nothing, an HttpError keeps its headers', async t => {
  for (const [label, resolve, status, body] of [
    ['a plain Error', () => { throw new Error('ldap bind password hunter2') }, 500, INTERNAL],
    ['an HttpError', () => { throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Basic' }) }, 401, '{"detail":"Not authenticated"}'],
  ] as const) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(openapi({ protect: dependency({ resolve }) }))
    const res = await app.inject({ method: 'GET', url: '/openapi.json' })
    t.equal(res.statusCode, status, label)
    t.equal(res.body, body, label)
  }
})
