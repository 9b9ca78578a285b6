/**
 * openapi() options: misuse fails when openapi() is called (RC_ERR_OPENAPI_OPTION), a second
 * registration fails at start-up, and the options that shape the document or the serving do
 * what they say.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { dependency, HttpError, openapi, route, RoutecraftError } from '../../src/index.js'
import type { OpenApiOptions } from '../../src/index.js'

const bad = (options: unknown): (() => unknown) => () => openapi(options as OpenApiOptions)

t.test('options of the wrong shape', async t => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['null', null, /^RC_ERR_OPENAPI_OPTION: openapi\(\) takes an options object$/],
    ['a string', 'docs', /takes an options object/],
    ['an unknown option', { specPth: '/x' }, /unknown option "specPth"; known options: info, servers/],
    ['operationIds a string', { operationIds: 'unique' }, /operationIds must be "default", "name" or a function/],
    ['operationIds a number', { operationIds: 42 }, /operationIds must be/],
    ['protect a function', { protect: () => true }, /protect must be a dependency, e.g\. basicAuth\(\)/],
    ['notFound a string', { notFound: 'yes' }, /notFound must be a boolean/],
    ['info null', { info: null }, /info needs a title and a version \(strings\)/],
    ['info without a version', { info: { title: 'Shop' } }, /info needs a title and a version/],
    ['info with a numeric title', { info: { title: 1, version: '1' } }, /info needs a title and a version/],
    ['specPath a number', { specPath: 1 }, /specPath must be a path such as "\/docs", or false/],
    ['specPath true', { specPath: true }, /specPath must be a path/],
    ['specPath "/"', { specPath: '/' }, /specPath must be a path/],
    ['docsPath without a slash', { docsPath: 'docs' }, /docsPath must be a path/],
    ['specPath equal to docsPath', { specPath: '/api', docsPath: '/api' }, /specPath \/api clashes with the docs under \/api/],
    ['specPath under docsPath', { specPath: '/api/openapi.json', docsPath: '/api' }, /specPath \/api\/openapi\.json clashes with the docs under \/api/],
  ]
  for (const [label, options, message] of cases) {
    t.throws(bad(options), { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_OPTION', message }, label)
  }
})

t.test('accepted option combinations', async t => {
  for (const options of [
    undefined,
    {},
    { operationIds: 'name' },
    { operationIds: () => 'x' },
    { notFound: false },
    { specPath: '/apidocs.json', docsPath: '/api' }, // a prefix that is not a path segment
    { specPath: '/api', docsPath: false },
    { specPath: false, docsPath: '/api' },
  ] as Array<OpenApiOptions | undefined>) {
    t.doesNotThrow(() => openapi(options), JSON.stringify(options) ?? 'no options')
  }
})

t.test('servers, tags and info reach the document', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({
    info: { title: 'Shop', version: '2.0.0', description: 'The shop' },
    servers: [{ url: 'https://shop.example', description: 'production' }],
    tags: [{ name: 'items', description: 'Items for sale' }],
    docsPath: false,
  }))
  await app.register(route({ method: 'GET', url: '/items/', tags: ['items'], handler: function read_items () { return [] } }))
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.info, { title: 'Shop', version: '2.0.0', description: 'The shop' })
  t.strictSame(doc.servers, [{ url: 'https://shop.example', description: 'production' }])
  t.strictSame(doc.tags, [{ name: 'items', description: 'Items for sale' }])
  t.strictSame(doc.paths['/items/'].get.tags, ['items'])
  t.equal((await app.inject('/docs')).statusCode, 404, 'docsPath: false serves no Swagger UI')
})

t.test('without servers and tags the document has neither', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json()
  t.notOk('servers' in doc)
  t.notOk('tags' in doc)
  t.strictSame(doc.info, { title: 'routecraft', version: '0.1.0' })
})

t.test('notFound: false keeps Fastify\'s own 404', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ notFound: false }))
  const res = await app.inject('/nowhere')
  t.equal(res.statusCode, 404)
  t.not(res.json().detail, 'Not Found', 'not FastAPI\'s {"detail":"Not Found"}')
  t.equal(res.json().message, 'Route GET:/nowhere not found')
})

t.test('a shared schema of a plain Fastify route is a component named by its $id', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ docsPath: false }))
  app.addSchema({ $id: 'Shared', type: 'object', properties: { a: { type: 'string' } } })
  app.post('/plain', { schema: { body: { type: 'object', properties: { s: { $ref: 'Shared#' } } }, response: { 200: { $ref: 'Shared#' } } } }, async () => ({ a: 'x' }))
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.components.schemas, { Shared: { type: 'object', properties: { a: { type: 'string' } } } }, 'not def-0')
  const post = doc.paths['/plain'].post
  t.strictSame(post.requestBody.content['application/json'].schema, { type: 'object', properties: { s: { $ref: '#/components/schemas/Shared' } } })
  t.strictSame(post.responses['200'].content['application/json'].schema, { $ref: '#/components/schemas/Shared' })
})

t.test('openapi() registered twice on one server fails at start-up', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(openapi())
  app.register(openapi({ specPath: '/other.json', docsPath: '/other' }))
  await t.rejects(async () => { await app.ready() }, { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_REGISTERED_TWICE', message: /already registered on this server/ })
})

t.test('protect: a dependency that throws something other than an Error answers 500', async t => {
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  const guard = dependency({
    name: 'guard',
    resolve: () => {
      throw 'not an Error'
    },
  })
  await app.register(openapi({ protect: guard }))
  await app.ready()
  for (const url of ['/openapi.json', '/docs']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 500, `${url}: 500`)
    t.strictSame(res.json(), { detail: 'Internal Server Error' }, `${url}: FastAPI's 500 body`)
  }
})

t.test('RoutecraftError is what openapi() throws', async t => {
  let caught: unknown
  try { openapi({ notFound: 1 } as never) } catch (err) { caught = err }
  t.ok(caught instanceof RoutecraftError)
})

t.test('protect: a dependency whose own parts are invalid does not run, and the docs are not served', async t => {
  const app = Fastify({ logger: false })
  t.teardown(() => app.close())
  let ran = 0
  const key = dependency({
    name: 'key',
    headers: Type.Object({ 'x-key': Type.String({ minLength: 3 }) }),
    resolve: ({ headers }) => {
      ran++
      if ((headers as { 'x-key': string })['x-key'] !== 'secret') throw new HttpError(403, 'Forbidden')
    },
  })
  const guard = dependency({ name: 'guard', deps: { key }, cookies: Type.Object({ session: Type.Optional(Type.Integer()) }), resolve: () => undefined })
  await app.register(openapi({ protect: guard }))
  await app.ready()
  for (const url of ['/openapi.json', '/docs']) {
    const missing = await app.inject(url)
    t.equal(missing.statusCode, 422, `${url}: no key, 422 (was served: the dependency was skipped)`)
    t.strictSame(missing.json().detail.map((i: { type: string; loc: unknown }) => [i.type, i.loc]), [['missing', ['header', 'x-key']]])
    const short = await app.inject({ url, headers: { 'x-key': 'ab', cookie: 'session=x' } })
    t.equal(short.statusCode, 422, `${url}: a short key and a bad cookie`)
    t.strictSame(short.json().detail.map((i: { type: string; loc: unknown }) => [i.type, i.loc]), [['string_too_short', ['header', 'x-key']], ['int_parsing', ['cookie', 'session']]])
    t.equal((await app.inject({ url, headers: { 'x-key': 'wrong' } })).statusCode, 403, `${url}: a wrong key`)
    const ok = await app.inject({ url, headers: { 'x-key': 'secret', cookie: 'session=7' } })
    t.ok(ok.statusCode === 200 || ok.statusCode === 302, `${url}: served with the key (${ok.statusCode})`)
  }
  t.equal(ran, 4, 'the key dependency ran only for the requests whose parts were valid')
})
