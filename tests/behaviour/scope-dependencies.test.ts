import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependencies, dependency, HttpError, openapi, route, basicAuth, encodeBasic, RoutecraftError } from '../../src/index.js'

t.test('scope dependencies guard every route of their plugin scope, not the others', async t => {
  const calls: string[] = []
  const guard = dependency({
    query: Type.Object({ token: Type.Optional(Type.String()) }),
    resolve: function guard ({ query }) {
      calls.push('guard')
      if (query.token !== 'secret') throw new HttpError(403, 'Forbidden')
    },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(async admin => {
    await admin.register(dependencies(guard))
    await admin.register(route({ method: 'GET', url: '/stats', handler: function read_stats ({ deps }) { calls.push('handler'); return { deps: Object.keys(deps) } } }))
  }, { prefix: '/admin' })
  await app.register(route({ method: 'GET', url: '/public', handler: function read_public () { calls.push('public'); return 'ok' } }))

  const denied = await app.inject('/admin/stats')
  t.equal(denied.statusCode, 403)
  t.same(denied.json(), { detail: 'Forbidden' })
  const allowed = await app.inject('/admin/stats?token=secret')
  t.equal(allowed.statusCode, 200)
  t.same(allowed.json(), { deps: [] }, 'scope dependency results are not exposed')
  const open = await app.inject('/public')
  t.equal(open.statusCode, 200)
  t.same(calls, ['guard', 'guard', 'handler', 'public'])

  const doc = (await app.inject('/openapi.json')).json()
  t.same(doc.paths['/admin/stats'].get.parameters, [{ name: 'token', in: 'query', required: false, schema: { type: 'string' } }],
    'the scope dependency query parameter is documented on the scoped route')
  t.equal(doc.paths['/public'].get.parameters, undefined)
})

t.test('app-level dependencies run before route dependencies, and security is documented', async t => {
  const order: string[] = []
  const first = dependency({ resolve: function first () { order.push('app') } })
  const auth = basicAuth()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(dependencies(first, auth))
  await app.register(openapi())
  await app.register(route({
    method: 'GET', url: '/me',
    deps: { me: dependency({ resolve: function me () { order.push('route'); return 'me' } }) },
    handler: function read_me ({ deps }) { return deps.me },
  }))
  t.equal((await app.inject('/me')).statusCode, 401)
  const ok = await app.inject({ url: '/me', headers: { authorization: encodeBasic('a', 'b') } })
  t.equal(ok.statusCode, 200)
  t.same(order, ['app', 'app', 'route'])
  const doc = (await app.inject('/openapi.json')).json()
  t.same(doc.paths['/me'].get.security, [{ HTTPBasic: [] }])
})

t.test('dependencies() refuses what is not a dependency', async t => {
  t.throws(() => dependencies(42 as never), { code: 'RC_ERR_DEPENDENCY_SHAPE' })
  t.throws(() => dependencies(42 as never), RoutecraftError)
})

t.test('dependencies() registered twice in one scope: both apply, in order', async t => {
  const order: string[] = []
  const a = dependency({ resolve: function a () { order.push('a') } })
  const b = dependency({ resolve: function b () { order.push('b') } })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(dependencies(a))
  await app.register(dependencies(b))
  await app.register(route({ method: 'GET', url: '/', handler: function root () { return 'ok' } }))
  t.equal((await app.inject('/')).statusCode, 200)
  t.same(order, ['a', 'b'])
})

t.test('a dependency reads the route\'s path parameters and parsed body', async t => {
  const seen = dependency({
    resolve: function seen ({ params, body, request, reply }) {
      return { params, body, url: request.url, replyStatus: reply.statusCode }
    },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({
    method: 'POST', url: '/things/{id}', params: Type.Object({ id: Type.String() }), body: Type.Object({ n: Type.Number() }),
    deps: { seen }, handler: function make_thing ({ deps }) { return deps.seen },
  }))
  const res = await app.inject({ method: 'POST', url: '/things/abc', payload: { n: 1, extra: true } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { params: { id: 'abc' }, body: { n: 1 }, url: '/things/abc', replyStatus: 200 })
})
