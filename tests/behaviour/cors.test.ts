// routecraft with @fastify/cors: the CORS headers the plugin adds in its hooks survive every way
// a routecraft route answers (the serializer, the temporal response, withResponse, HttpError,
// a 422, a dependency's refusal, openapi()'s 404), a preflight reaches the plugin's OPTIONS
// route whatever routecraft registered, and a header set on ctx.response can be exposed.
import t from 'tap'
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import cors from '@fastify/cors'
import { Type } from '@sinclair/typebox'
import { basicAuth, HttpError, openapi, route, withResponse } from '../../src/index.js'
import { build } from '../../playground/app.js'

const ORIGIN = 'http://example.com'

async function app (t: { teardown: (fn: () => unknown) => void }): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cors, { origin: ORIGIN, exposedHeaders: ['X-Trace'] })
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/plain', handler: function plain () { return { ok: true } } }))
  await app.register(route({
    method: 'GET', url: '/temporal', handler: function temporal ({ response }) {
      response.headers.set('X-Trace', 't-1')
      response.status = 201
      return 'created'
    },
  }))
  await app.register(route({ method: 'GET', url: '/direct', handler: function direct () { return withResponse('<a/>', { mediaType: 'application/xml', headers: { 'X-Trace': 'd-1' } }) } }))
  await app.register(route({ method: 'GET', url: '/refused', handler: function refused () { throw new HttpError(403, 'Forbidden', { 'X-Trace': 'e-1' }) } }))
  await app.register(route({ method: 'GET', url: '/typed', query: Type.Object({ n: Type.Integer() }), handler: function typed ({ query }) { return query.n } }))
  await app.register(route({ method: 'POST', url: '/items', body: Type.Object({ name: Type.String() }), handler: function create ({ body }) { return body } }))
  await app.register(route({ method: 'GET', url: '/private', deps: { who: basicAuth() }, handler: function secret ({ deps }) { return deps.who.username } }))
  await app.ready()
  return app
}

t.test('every kind of routecraft answer carries the CORS headers', async t => {
  const server = await app(t)
  const cases: Array<[string, InjectOptions, number]> = [
    ['a returned value', { method: 'GET', url: '/plain' }, 200],
    ['the temporal response', { method: 'GET', url: '/temporal' }, 201],
    ['withResponse', { method: 'GET', url: '/direct' }, 200],
    ['HttpError', { method: 'GET', url: '/refused' }, 403],
    ['a 422 on the query', { method: 'GET', url: '/typed?n=x' }, 422],
    ['a 422 on malformed JSON', { method: 'POST', url: '/items', headers: { 'content-type': 'application/json' }, payload: '{"name":' }, 422],
    ['a dependency that refuses', { method: 'GET', url: '/private' }, 401],
    ['openapi()\'s 404', { method: 'GET', url: '/nowhere' }, 404],
    ['the document', { method: 'GET', url: '/openapi.json' }, 200],
  ]
  for (const [what, request, status] of cases) {
    const res = await server.inject({ ...request, headers: { ...request.headers, origin: ORIGIN } })
    t.equal(res.statusCode, status, `${what}: ${status}`)
    t.equal(res.headers['access-control-allow-origin'], ORIGIN, `${what}: access-control-allow-origin`)
    t.equal(res.headers['access-control-expose-headers'], 'X-Trace', `${what}: access-control-expose-headers`)
  }
})

t.test('headers set by the route arrive beside the CORS headers', async t => {
  const server = await app(t)
  for (const [url, trace] of [['/temporal', 't-1'], ['/direct', 'd-1'], ['/refused', 'e-1']] as const) {
    const res = await server.inject({ method: 'GET', url, headers: { origin: ORIGIN } })
    t.equal(res.headers['x-trace'], trace, `${url}: X-Trace`)
    t.equal(res.headers['access-control-allow-origin'], ORIGIN, `${url}: access-control-allow-origin`)
  }
})

t.test('a preflight reaches @fastify/cors, for routes with and without a body schema', async t => {
  const server = await app(t)
  for (const [url, method] of [['/items', 'POST'], ['/plain', 'GET'], ['/typed', 'GET']] as const) {
    const res = await server.inject({ method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' } })
    t.equal(res.statusCode, 204, `${url}: 204`)
    t.equal(res.headers['access-control-allow-origin'], ORIGIN, `${url}: allowed`)
    t.match(String(res.headers['access-control-allow-methods']), new RegExp(`\\b${method}\\b`), `${url}: ${method} allowed`)
    t.equal(res.body, '', `${url}: no body (not routecraft's 404)`)
  }
  const doc = (await server.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> }
  t.notOk(Object.values(doc.paths).some(p => 'options' in p), 'the preflight route is not documented')
})

t.test('the showcase exposes X-Cat-Dog to other origins (the seed\'s note on expose_headers)', async t => {
  const showcase = await build()
  t.teardown(() => showcase.close())
  const res = await showcase.inject({ method: 'GET', url: '/headers-and-object/', headers: { origin: ORIGIN } })
  t.equal(res.headers['access-control-allow-origin'], ORIGIN)
  t.ok(String(res.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/).includes('x-cat-dog'))
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
})
