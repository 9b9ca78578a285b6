/**
 * Routes of one scope share one context: an app with thousands of routecraft routes starts
 * (Fastify walks its contexts recursively at start-up; one context per route overflowed its
 * stack at 5,000), and sharing changes nothing a route runs: hooks and parsers the scope
 * gains between two registrations reach the later route, register options still apply.
 */
import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import formbody from '@fastify/formbody'
import { Type } from '@sinclair/typebox'
import { route } from '../../src/index.js'

t.test('5,000 routes register, become ready and answer', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const n = 5000
  for (let i = 0; i < n / 2; i++) {
    app.register(route({
      method: 'GET', url: `/r${i}/items/{item_id}`,
      params: Type.Object({ item_id: Type.Integer({ minimum: 1 }) }),
      response: Type.Object({ id: Type.Integer(), route: Type.Integer() }),
      handler: function read_item ({ params }) { return { id: params.item_id, route: i, secret: 'dropped' } },
    }))
    app.register(route({
      method: 'POST', url: `/r${i}/items`,
      body: Type.Object({ name: Type.String() }),
      response: Type.Object({ name: Type.String(), route: Type.Integer() }),
      status: 201,
      handler: function create_item ({ body }) { return { name: body.name, route: i } },
    }))
  }
  await app.ready()
  for (const i of [0, 1, 1249, 2498, 2499]) {
    const get = await app.inject({ method: 'GET', url: `/r${i}/items/7` })
    t.equal(get.statusCode, 200)
    t.strictSame(get.json(), { id: 7, route: i })
    const post = await app.inject({ method: 'POST', url: `/r${i}/items`, payload: { name: 'x' } })
    t.equal(post.statusCode, 201)
    t.strictSame(post.json(), { name: 'x', route: i })
  }
  const bad = await app.inject({ method: 'GET', url: '/r2000/items/0' })
  t.equal(bad.statusCode, 422)
  const malformed = await app.inject({ method: 'POST', url: '/r2000/items', headers: { 'content-type': 'application/json' }, payload: '{' })
  t.match(malformed.json(), { detail: [{ type: 'json_invalid' }] })
})

t.test('hooks the scope gains between two registrations: request hooks reach every route, onRoute hooks the later ones, as with a context per route', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const first = route({ method: 'GET', url: '/first', handler: function first () { return { ok: 1 } } })
  const second = route({ method: 'GET', url: '/second', handler: function second () { return { ok: 2 } } })
  const third = route({ method: 'GET', url: '/third', handler: function third () { return { ok: 3 } } })
  const seen: string[] = []
  await app.register(first)
  app.addHook('onRequest', async (_request, reply) => { reply.header('x-guarded', 'yes') })
  await app.register(second)
  // A plugin that adds hooks to the scope (as @fastify/swagger and @fastify/cors do) between two routes.
  await app.register(fp(async scope => {
    scope.addHook('onRoute', options => { seen.push(`${options.method} ${options.url}`) })
    scope.addHook('onSend', async (_request, reply) => { reply.header('x-plugin', 'yes') })
  }))
  await app.register(third)
  const answers = await Promise.all(['/first', '/second', '/third'].map(async url => await app.inject(url)))
  t.strictSame(answers.map(a => a.json()), [{ ok: 1 }, { ok: 2 }, { ok: 3 }])
  t.strictSame(answers.map(a => a.headers['x-guarded']), ['yes', 'yes', 'yes'], 'Fastify adds a request hook to the contexts made before it too')
  t.strictSame(answers.map(a => a.headers['x-plugin']), ['yes', 'yes', 'yes'])
  t.strictSame(seen, ['GET /third', 'HEAD /third'], 'the onRoute hook sees the route registered after it, and only that one')
})

t.test('a parser the scope gains between two registrations reaches the later route', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const Login = Type.Object({ username: Type.String() })
  await app.register(route({ method: 'POST', url: '/before', body: Login, handler: function before ({ body }) { return body } }))
  await app.register(formbody)
  await app.register(route({ method: 'POST', url: '/after', body: Login, handler: function after ({ body }) { return body } }))
  app.addContentTypeParser('application/x-thing', { parseAs: 'string' }, (_request, body, done) => { done(null, { username: body }) })
  await app.register(route({ method: 'POST', url: '/last', body: Login, handler: function last ({ body }) { return body } }))
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  t.equal((await app.inject({ method: 'POST', url: '/before', headers: form, payload: 'username=rick' })).statusCode, 422, 'registered before the form parser')
  t.strictSame((await app.inject({ method: 'POST', url: '/after', headers: form, payload: 'username=rick' })).json(), { username: 'rick' })
  t.strictSame((await app.inject({ method: 'POST', url: '/last', headers: { 'content-type': 'application/x-thing' }, payload: 'morty' })).json(), { username: 'morty' })
  t.equal((await app.inject({ method: 'POST', url: '/after', headers: { 'content-type': 'application/x-thing' }, payload: 'morty' })).statusCode, 422, 'registered before that parser')
  for (const url of ['/before', '/after', '/last']) {
    t.strictSame((await app.inject({ method: 'POST', url, payload: { username: 'summer' } })).json(), { username: 'summer' }, `${url} keeps JSON`)
  }
})

t.test('register options still apply: prefixes and log levels, each registration its own', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const hello = route({ method: 'GET', url: '/hello', handler: function hello () { return 'hi' } })
  const items = route({ method: 'POST', url: '/items', body: Type.Object({ a: Type.Integer() }), handler: function items ({ body }) { return body } })
  app.register(hello, { prefix: '/v1' })
  app.register(hello, { prefix: '/v2' })
  app.register(items, { prefix: '/v1' })
  app.register(async api => {
    api.register(hello)
    api.register(items, { prefix: '/nested', logLevel: 'silent' })
  }, { prefix: '/api' })
  await app.ready()
  for (const url of ['/v1/hello', '/v2/hello', '/api/hello']) t.equal((await app.inject(url)).json(), 'hi', url)
  for (const url of ['/v1/items', '/api/nested/items']) t.strictSame((await app.inject({ method: 'POST', url, payload: { a: 1 } })).json(), { a: 1 }, url)
  t.equal((await app.inject('/hello')).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: '/api/items', payload: { a: 1 } })).statusCode, 404)
})

t.test('two registrations of one route in one scope are a duplicate route, as in Fastify', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const hello = route({ method: 'GET', url: '/hello', handler: function hello () { return 'hi' } })
  app.register(hello)
  app.register(hello)
  await t.rejects(async () => { await app.ready() }, { code: 'FST_ERR_DUPLICATED_ROUTE' })
})
