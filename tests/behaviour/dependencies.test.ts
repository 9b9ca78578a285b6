// dependency(): FastAPI's Depends — order, per-request caching, request-part schemas (validated
// and documented), HttpError and other throws, async resolve, the temporal response, misuse.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependency, HttpError, openapi, route, RoutecraftError, withResponse } from '../../src/index.js'

type Teardown = { teardown: (fn: () => unknown) => void }

async function newApp (t: Teardown, withDocs = false): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  if (withDocs) await app.register(openapi())
  return app
}

t.test('sub-dependencies are solved first, then the handler', async t => {
  const app = await newApp(t)
  const order: string[] = []
  const c = dependency({ resolve: () => { order.push('c'); return 'C' } })
  const b = dependency({ deps: { c }, resolve: ({ deps }) => { order.push('b'); return `B(${deps.c})` } })
  const a = dependency({ deps: { b }, resolve: ({ deps }) => { order.push('a'); return `A(${deps.b})` } })
  const z = dependency({ resolve: () => { order.push('z'); return 'Z' } })
  await app.register(route({
    method: 'GET',
    url: '/',
    deps: { a, z },
    handler: ({ deps }) => { order.push('handler'); return { a: deps.a, z: deps.z } },
  }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { a: 'A(B(C))', z: 'Z' })
  t.strictSame(order, ['c', 'b', 'a', 'z', 'handler'])
})

t.test('a dependency used several times in one request runs once (cached)', async t => {
  const app = await newApp(t)
  let calls = 0
  const shared = dependency({ resolve: () => ++calls })
  const left = dependency({ deps: { s: shared }, resolve: ({ deps }) => deps.s })
  const right = dependency({ deps: { s: shared }, resolve: ({ deps }) => deps.s })
  await app.register(route({
    method: 'GET',
    url: '/',
    deps: { left, right, direct: shared, again: shared },
    handler: ({ deps }) => [deps.left, deps.right, deps.direct, deps.again],
  }))
  const first = await app.inject({ method: 'GET', url: '/' })
  t.strictSame(first.json(), [1, 1, 1, 1], 'every use sees the same value')
  t.equal(calls, 1, 'one call for the request')
  const second = await app.inject({ method: 'GET', url: '/' })
  t.strictSame(second.json(), [2, 2, 2, 2], 'solved again for the next request')
  t.equal(calls, 2)
})

t.test('cache: false runs the dependency at each use', async t => {
  const app = await newApp(t)
  let calls = 0
  const fresh = dependency({ cache: false, resolve: () => ++calls })
  const left = dependency({ deps: { f: fresh }, resolve: ({ deps }) => deps.f })
  const right = dependency({ deps: { f: fresh }, resolve: ({ deps }) => deps.f })
  await app.register(route({
    method: 'GET',
    url: '/',
    deps: { left, right, direct: fresh },
    handler: ({ deps }) => [deps.left, deps.right, deps.direct],
  }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.strictSame(res.json(), [1, 2, 3])
  t.equal(calls, 3)
})

t.test('a cached dependency below an uncached one still runs once', async t => {
  const app = await newApp(t)
  let base = 0
  let wrapper = 0
  const shared = dependency({ resolve: () => ++base })
  const uncached = dependency({ cache: false, deps: { s: shared }, resolve: ({ deps }) => { wrapper++; return deps.s } })
  await app.register(route({ method: 'GET', url: '/', deps: { a: uncached, b: uncached }, handler: ({ deps }) => [deps.a, deps.b] }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.strictSame(res.json(), [1, 1])
  t.equal(wrapper, 2)
  t.equal(base, 1)
})

t.test('async dependencies are awaited, in order', async t => {
  const app = await newApp(t)
  const order: string[] = []
  const slow = dependency({ resolve: async () => { await new Promise(resolve => setTimeout(resolve, 20)); order.push('slow'); return 'slow' } })
  const after = dependency({ deps: { slow }, resolve: async ({ deps }) => { order.push('after'); return `${deps.slow}+after` } })
  await app.register(route({ method: 'GET', url: '/', deps: { v: after }, handler: async ({ deps }) => ({ value: deps.v }) }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.strictSame(res.json(), { value: 'slow+after' })
  t.strictSame(order, ['slow', 'after'])
})

t.test('a dependency reads the request parts and its own deps', async t => {
  const app = await newApp(t)
  const paging = dependency({
    query: Type.Object({ skip: Type.Integer({ default: 0 }), limit: Type.Integer({ default: 10, maximum: 100 }) }),
    resolve: ({ query }) => ({ skip: query.skip, limit: query.limit }),
  })
  await app.register(route({ method: 'GET', url: '/items/', deps: { paging }, handler: ({ deps }) => deps.paging }))
  const defaults = await app.inject({ method: 'GET', url: '/items/' })
  t.strictSame(defaults.json(), { skip: 0, limit: 10 }, 'defaults applied')
  const coerced = await app.inject({ method: 'GET', url: '/items/?skip=5&limit=20' })
  t.strictSame(coerced.json(), { skip: 5, limit: 20 }, 'numbers, coerced from the query string')
})

t.test("a dependency's ctx reads the handler's request: the same parts, cookies and temporal response; the body before validation", async t => {
  const app = await newApp(t)
  let seen: Record<string, unknown> = {}
  let sent: Record<string, unknown> = {}
  const probe = dependency({
    resolve: ctx => {
      seen = { params: ctx.params, query: ctx.query, headers: ctx.headers, cookies: ctx.cookies, body: ctx.body, response: ctx.response, request: ctx.request, reply: ctx.reply, deps: ctx.deps, keys: Object.keys(ctx) }
      // Copies as read now: the route's validation coerces the parameters and fills in the body afterwards.
      sent = { params: { ...ctx.params }, body: { ...(ctx.body as object) } }
      ctx.response.headers.set('x-from-dependency', 'yes')
      return 'probed'
    },
  })
  await app.register(route({
    method: 'POST', url: '/things/:id', params: Type.Object({ id: Type.Integer() }),
    body: Type.Object({ name: Type.String(), size: Type.Integer({ default: 3 }) }), deps: { probe },
    handler: ctx => {
      t.equal(ctx.request, seen.request, 'the same request')
      t.equal(ctx.reply, seen.reply, 'the same reply')
      t.equal(ctx.response, seen.response, 'one temporal response')
      t.equal(ctx.cookies, seen.cookies, 'cookies parsed once')
      t.equal(ctx.headers, seen.headers)
      t.equal(ctx.query, seen.query)
      return { params: ctx.params, body: ctx.body, deps: ctx.deps }
    },
  }))
  const res = await app.inject({ method: 'POST', url: '/things/7?x=1', headers: { cookie: 'a=b' }, payload: { name: 'box' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-from-dependency'], 'yes')
  t.strictSame(res.json(), { params: { id: 7 }, body: { name: 'box', size: 3 }, deps: { probe: 'probed' } })
  t.strictSame(sent.params, { id: '7' }, 'the parameters as sent: the route validates them after its dependencies')
  t.strictSame(sent.body, { name: 'box' }, 'the body as sent')
  t.same(seen.query, { x: '1' })
  t.same(seen.cookies, { a: 'b' })
  t.equal((seen.headers as Record<string, unknown>)['cookie'], 'a=b')
  t.strictSame(seen.deps, {})
  t.strictSame(seen.keys, ['deps'], 'deps is its one own property; the parts are read on demand')
})

// ---------------------------------------------------------------------------------------------
// Request-part schemas of dependencies: validated and documented
// ---------------------------------------------------------------------------------------------

const commonQuery = dependency({
  query: Type.Object({ q: Type.String({ minLength: 2 }), limit: Type.Optional(Type.Integer({ maximum: 100 })) }),
  resolve: function common_query ({ query }) { return { q: query.q, limit: query.limit ?? 10 } },
})
const token = dependency({
  headers: Type.Object({ 'x-token': Type.String({ description: 'The API token' }) }),
  resolve: function token_header ({ headers }) {
    if (headers['x-token'] !== 'fake-super-secret-token') throw new HttpError(400, 'X-Token header invalid')
    return headers['x-token']
  },
})
const session = dependency({
  cookies: Type.Object({ session: Type.String() }),
  resolve: function session_cookie ({ cookies }) { return cookies.session },
})

async function partsApp (t: Teardown): Promise<FastifyInstance> {
  const app = await newApp(t, true)
  await app.register(route({
    method: 'GET', url: '/items/', deps: { commons: commonQuery, token, session },
    handler: function read_items ({ deps }) { return { commons: deps.commons, token: deps.token, session: deps.session } },
  }))
  await app.register(route({
    method: 'GET', url: '/users/', query: Type.Object({ active: Type.Optional(Type.Boolean()) }), deps: { commons: commonQuery },
    handler: function read_users ({ deps, query }) { return { commons: deps.commons, active: query.active ?? null } },
  }))
  await app.register(route({
    method: 'GET', url: '/plain/', handler: function read_plain () { return 'plain' },
  }))
  return app
}

t.test("dependencies' query, headers and cookies are validated: 422 with FastAPI's loc", async t => {
  const app = await partsApp(t)
  const missing = await app.inject({ method: 'GET', url: '/items/' })
  t.equal(missing.statusCode, 422)
  const detail = missing.json().detail as Array<{ type: string; loc: unknown[]; msg: string }>
  t.strictSame(detail.map(d => d.loc).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    [['cookie', 'session'], ['header', 'x-token'], ['query', 'q']], 'all three reported together')
  for (const d of detail) {
    t.equal(d.type, 'missing', JSON.stringify(d.loc))
    t.equal(d.msg, 'Field required', JSON.stringify(d.loc))
  }

  const tooShort = await app.inject({
    method: 'GET', url: '/items/?q=x&limit=abc',
    headers: { 'x-token': 'fake-super-secret-token', cookie: 'session=s1' },
  })
  t.equal(tooShort.statusCode, 422)
  const locs = (tooShort.json().detail as Array<{ loc: unknown[] }>).map(d => d.loc)
  t.same(locs.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [['query', 'limit'], ['query', 'q']])

  const ok = await app.inject({
    method: 'GET', url: '/items/?q=portal&limit=3',
    headers: { 'x-token': 'fake-super-secret-token', cookie: 'session=s1' },
  })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { commons: { q: 'portal', limit: 3 }, token: 'fake-super-secret-token', session: 's1' })

  const badToken = await app.inject({ method: 'GET', url: '/items/?q=portal', headers: { 'x-token': 'nope', cookie: 'session=s1' } })
  t.equal(badToken.statusCode, 400)
  t.strictSame(badToken.json(), { detail: 'X-Token header invalid' })
})

t.test("a route's own query and its dependency's are validated together", async t => {
  const app = await partsApp(t)
  const res = await app.inject({ method: 'GET', url: '/users/?active=maybe' })
  t.equal(res.statusCode, 422)
  const locs = (res.json().detail as Array<{ loc: unknown[] }>).map(d => d.loc)
  t.same(locs.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))), [['query', 'active'], ['query', 'q']])
  const ok = await app.inject({ method: 'GET', url: '/users/?active=true&q=rick' })
  t.equal(ok.statusCode, 200)
  t.strictSame(ok.json(), { commons: { q: 'rick', limit: 10 }, active: true })
})

t.test("dependencies' parameters appear in every operation that uses them", async t => {
  const app = await partsApp(t)
  await app.ready()
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  const items = doc.paths['/items/'].get
  t.strictSame(items.parameters, [
    { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2 } },
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 100 } },
    { name: 'x-token', in: 'header', required: true, description: 'The API token', schema: { type: 'string', description: 'The API token' } },
    { name: 'session', in: 'cookie', required: true, schema: { type: 'string' } },
  ])
  t.ok(items.responses['422'], '422 documented')
  const users = doc.paths['/users/'].get
  t.strictSame(users.parameters, [
    { name: 'active', in: 'query', required: false, schema: { type: 'boolean' } },
    { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2 } },
    { name: 'limit', in: 'query', required: false, schema: { type: 'integer', maximum: 100 } },
  ])
  t.notOk('parameters' in doc.paths['/plain/'].get, 'a route without the dependency has none')
  t.notOk('422' in doc.paths['/plain/'].get.responses)
})

t.test('a sub-dependency\'s schema reaches the operation too', async t => {
  const app = await newApp(t, true)
  const inner = dependency({ query: Type.Object({ deep: Type.Integer() }), resolve: ({ query }) => query.deep })
  const outer = dependency({ deps: { inner }, resolve: ({ deps }) => deps.inner * 2 })
  await app.register(route({ method: 'GET', url: '/deep', deps: { outer }, handler: function read_deep ({ deps }) { return { v: deps.outer } } }))
  await app.ready()
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.strictSame(doc.paths['/deep'].get.parameters, [{ name: 'deep', in: 'query', required: true, schema: { type: 'integer' } }])
  const bad = await app.inject({ method: 'GET', url: '/deep?deep=x' })
  t.equal(bad.statusCode, 422)
  t.strictSame(bad.json().detail.map((d: { loc: unknown[] }) => d.loc), [['query', 'deep']])
  const ok = await app.inject({ method: 'GET', url: '/deep?deep=21' })
  t.strictSame(ok.json(), { v: 42 })
})

t.test('a dependency with invalid parts does not run; the others do (FastAPI\'s solve_dependencies)', async t => {
  const app = await newApp(t)
  let ran = 0
  let commons = 0
  const counter = dependency({ resolve: () => ++ran })
  const counted = dependency({ deps: { commons: commonQuery }, resolve: () => ++commons })
  await app.register(route({ method: 'GET', url: '/', deps: { c: counter, commons: counted }, handler: () => 'ok' }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 422)
  t.equal(ran, 1, 'a dependency without parts runs')
  t.equal(commons, 0, 'a dependency whose sub-dependency has invalid parts does not')
})

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

t.test('a thrown HttpError becomes the response, headers included; later steps do not run', async t => {
  const app = await newApp(t)
  let later = 0
  let handled = 0
  const guard = dependency({
    resolve: ({ headers }) => {
      if (headers['x-key'] !== 'open-sesame') throw new HttpError(403, 'Forbidden, really', { 'X-Reason': 'no key', 'Retry-After': '10' })
      return true
    },
  })
  const next = dependency({ deps: { guard }, resolve: () => ++later })
  await app.register(route({ method: 'GET', url: '/', deps: { next }, handler: () => { handled++; return 'in' } }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 403)
  t.strictSame(res.json(), { detail: 'Forbidden, really' })
  t.equal(res.headers['x-reason'], 'no key')
  t.equal(res.headers['retry-after'], '10')
  t.equal(later, 0, 'the dependent did not run')
  t.equal(handled, 0, 'the handler did not run')
  const ok = await app.inject({ method: 'GET', url: '/', headers: { 'x-key': 'open-sesame' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.json(), 'in')
})

t.test('an HttpError with a structured detail, from an async dependency', async t => {
  const app = await newApp(t)
  const dep = dependency({ resolve: async () => { throw new HttpError(409, { code: 'conflict', ids: [1, 2] }) } })
  await app.register(route({ method: 'GET', url: '/', deps: { dep }, handler: () => 'x' }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 409)
  t.strictSame(res.json(), { detail: { code: 'conflict', ids: [1, 2] } })
})

t.test('any other throw is a 500 that leaks nothing', async t => {
  const throwers: Array<[string, () => unknown]> = [
    ['an Error', () => { throw new Error('database password is hunter2') }],
    ['a rejected promise', async () => { throw new TypeError('secret stack detail') }],
    ['a thrown string', () => { throw 'plain string secret' }], // eslint-disable-line no-throw-literal
    ['an error with a 5xx status', () => { throw Object.assign(new Error('sneaky'), { status: 502 }) }],
  ]
  for (const [label, resolve] of throwers) {
    const app = await newApp(t)
    await app.register(route({ method: 'GET', url: '/', deps: { boom: dependency({ resolve }) }, handler: () => 'never' }))
    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, 500, label)
    t.equal(res.body, '{"detail":"Internal Server Error"}', label)
    t.notMatch(res.body, /hunter2|secret|sneaky|stack/, `${label}: no message leaks`)
  }
})

t.test('an Error with a 4xx statusCode or status keeps it and its message, as Fastify answers it', async t => {
  for (const props of [{ statusCode: 404 }, { status: 418 }]) {
    const app = await newApp(t)
    const upstream = dependency({ resolve: () => { throw Object.assign(new Error('No such user'), props) } })
    await app.register(route({ method: 'GET', url: '/', deps: { upstream }, handler: () => 'never' }))
    const res = await app.inject({ method: 'GET', url: '/' })
    t.equal(res.statusCode, props.statusCode ?? props.status)
    t.equal(res.body, '{"detail":"No such user"}')
  }
})

// ---------------------------------------------------------------------------------------------
// The temporal response from dependencies
// ---------------------------------------------------------------------------------------------

t.test('a dependency may set headers, cookies and status; the last one set wins', async t => {
  const app = await newApp(t)
  const tagger = dependency({
    resolve: ({ response }) => {
      response.headers.set('X-From-Dependency', 'yes')
      response.headers.set('X-Overridden', 'dependency')
      response.setCookie('seen', '1')
      response.status = 202
      return 'tagged'
    },
  })
  await app.register(route({
    method: 'GET', url: '/', deps: { tagger },
    handler: ({ deps, response, query }) => {
      response.headers.set('X-Overridden', 'handler')
      if ((query as Record<string, unknown>).created !== undefined) response.status = 201
      return { value: deps.tagger }
    },
  }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 202, "the dependency's status")
  t.equal(res.headers['x-from-dependency'], 'yes')
  t.equal(res.headers['x-overridden'], 'handler', 'the handler set it last')
  t.match(res.headers['set-cookie'], /^seen=1; Path=\/; SameSite=Lax$/)
  t.strictSame(res.json(), { value: 'tagged' })
  const created = await app.inject({ method: 'GET', url: '/?created=1' })
  t.equal(created.statusCode, 201, "the handler's status, set last")
})

t.test('what a dependency set survives a direct response unless it sets the same header', async t => {
  const app = await newApp(t)
  const tagger = dependency({ resolve: ({ response }) => { response.headers.set('X-Dep', 'kept'); response.headers.set('X-Both', 'dep'); return 1 } })
  await app.register(route({
    method: 'GET', url: '/', deps: { tagger },
    handler: () => withResponse('<ok/>', { mediaType: 'application/xml', headers: { 'X-Both': 'direct' } }),
  }))
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '<ok/>')
  t.equal(res.headers['x-dep'], 'kept')
  t.equal(res.headers['x-both'], 'direct')
})

// ---------------------------------------------------------------------------------------------
// Misuse, at declaration time
// ---------------------------------------------------------------------------------------------

t.test('misuse is refused when declared', async t => {
  const handler = (): string => 'x'
  const shape: Array<[string, () => unknown]> = [
    ['route deps: { x: 42 }', () => route({ method: 'GET', url: '/', deps: { x: 42 } as never, handler })],
    ['route deps: { x: a plain function }', () => route({ method: 'GET', url: '/', deps: { x: (() => 1) } as never, handler })],
    ['route deps: { x: a declaration not wrapped in dependency() }', () => route({ method: 'GET', url: '/', deps: { x: { resolve: () => 1 } } as never, handler })],
    ['route deps: an array', () => route({ method: 'GET', url: '/', deps: [dependency({ resolve: () => 1 })] as never, handler })],
    ['route deps: null', () => route({ method: 'GET', url: '/', deps: null as never, handler })],
    ['dependency deps: { x: 42 }', () => dependency({ deps: { x: 42 } as never, resolve: () => 1 })],
    ['dependency with an unknown option', () => dependency({ resolve: () => 1, cached: true } as never)],
    ['dependency cache: "yes"', () => dependency({ resolve: () => 1, cache: 'yes' as never })],
  ]
  for (const [label, fn] of shape) {
    t.throws(fn, RoutecraftError, label)
    t.throws(fn, { code: 'RC_ERR_DEPENDENCY_SHAPE' }, label)
  }
  const noResolve: Array<[string, () => unknown]> = [
    ['dependency({})', () => dependency({} as never)],
    ['dependency({ resolve: 42 })', () => dependency({ resolve: 42 } as never)],
    ['dependency()', () => (dependency as (d?: unknown) => unknown)()],
    ['dependency(null)', () => dependency(null as never)],
  ]
  for (const [label, fn] of noResolve) {
    t.throws(fn, { code: 'RC_ERR_DEPENDENCY_NO_RESOLVE' }, label)
  }
  t.throws(() => dependency({ query: Type.String() as never, resolve: () => 1 }), { code: 'RC_ERR_ROUTE_SCHEMA' }, 'a query schema that is not an object')
  t.throws(() => dependency({ headers: { type: 'object', properties: {} } as never, resolve: () => 1 }), { code: 'RC_ERR_ROUTE_SCHEMA' }, 'a plain JSON schema (not TypeBox)')
})

t.test('a dependency is a reusable value: one declaration, several routes and apps', async t => {
  let calls = 0
  const counter = dependency({ resolve: () => ++calls })
  for (const url of ['/a', '/b']) {
    const app = await newApp(t)
    await app.register(route({ method: 'GET', url, deps: { n: counter }, handler: ({ deps }) => ({ n: deps.n }) }))
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200)
  }
  t.equal(calls, 2)
})
