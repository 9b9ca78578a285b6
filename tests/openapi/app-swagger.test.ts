/**
 * openapi() inside an app that has its own @fastify/swagger (reused: routecraft's document is
 * built on the app's), and the options openapi() passes through to @fastify/swagger and
 * @fastify/swagger-ui.
 */
import t from 'tap'
import Fastify from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { Type } from '@sinclair/typebox'
import { basicAuth, openapi, route, webhook } from '../../src/index.js'
import type { OpenApiOptions } from '../../src/index.js'

const Item = Type.Object({ name: Type.String() }, { $id: 'Item' })
const createItem = route({ method: 'POST', url: '/items/', body: Item, response: Item, handler: function create_item ({ body }) { return body } })
const readItem = route({ method: 'GET', url: '/items/{item_id}', params: Type.Object({ item_id: Type.Integer() }), handler: function read_item ({ params }) { return params } })
const hidden = route({ method: 'GET', url: '/internal', includeInSchema: false, handler: function internal () { return 'x' } })

t.test('an app that registered @fastify/swagger itself: openapi() reuses it', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(swagger, {
    openapi: {
      info: { title: 'The app', version: '3.0.0' },
      components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-key' } } },
    },
  })
  app.get('/health', { schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } } }, async () => ({ ok: true }))
  app.delete('/items/', async () => null)
  await app.register(openapi())
  await app.register(webhook({ name: 'item-created', body: Item }))
  await app.register(createItem)
  await app.register(readItem)
  await app.register(hidden)
  await app.ready()

  const doc = (await app.inject('/openapi.json')).json()
  t.equal(doc.openapi, '3.1.0', 'routecraft documents in OpenAPI 3.1')
  t.strictSame(doc.info, { title: 'The app', version: '3.0.0' }, 'the app\'s info')
  t.strictSame(doc.components.securitySchemes, { apiKey: { type: 'apiKey', in: 'header', name: 'x-key' } }, 'the app\'s components')
  t.ok(doc.paths['/health'].get, 'the app\'s own route')
  t.equal(doc.paths['/items/'].post.operationId, 'create_item_items__post', 'routecraft\'s operations, with their schemas')
  t.strictSame(doc.paths['/items/'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/Item' })
  t.equal(doc.paths['/items/{item_id}'].get.parameters[0].schema.type, 'integer')
  t.notOk(doc.paths['/items/{item_id}'].head, 'no automatic HEAD')
  t.notOk('/internal' in doc.paths, 'includeInSchema: false stays out')
  t.notOk('/openapi.json' in doc.paths, 'the document\'s own route stays out')
  t.ok(doc.components.schemas.Item && doc.components.schemas.HTTPValidationError)
  t.ok(doc.paths['/items/'].delete, 'the app\'s own operation on a path routecraft also serves stays')
  t.equal(doc.webhooks['item-created'].post.operationId, 'item_createditem_created_post', 'webhooks')

  const untagged = Fastify()
  t.teardown(() => untagged.close())
  await untagged.register(swagger, { openapi: {}, hideUntagged: true })
  await untagged.register(openapi({ docsPath: false }))
  await untagged.register(readItem)
  await untagged.ready()
  t.equal((await untagged.inject('/openapi.json')).json().paths['/items/{item_id}'].get.operationId, 'read_item_items__item_id__get', 'routes the app\'s swagger left out are documented too')

  const ui = await app.inject('/docs/json')
  t.equal(ui.statusCode, 200, 'the docs are served')
  t.strictSame(ui.json(), doc, 'and show routecraft\'s document, not the app\'s plain one')
  t.equal((await app.inject('/docs')).statusCode, 200, 'Swagger UI\'s page')
  // The app's own decorator still gives the app's document.
  t.equal((app.swagger() as { info: { title: string } }).info.title, 'The app')
})

t.test('reusing the app\'s swagger: what cannot work is a RoutecraftError, never an uncaught error', async t => {
  const swagger2 = Fastify()
  t.teardown(() => swagger2.close())
  await swagger2.register(swagger, { swagger: { info: { title: 'old', version: '1' } } })
  swagger2.register(openapi({ docsPath: false }))
  await t.rejects(async () => { await swagger2.ready() }, { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_APP_SWAGGER', message: /Swagger 2\.0 mode/ })

  const withUi = Fastify()
  t.teardown(() => withUi.close())
  await withUi.register(swagger, { openapi: {} })
  await withUi.register(swaggerUi)
  withUi.register(openapi())
  await t.rejects(async () => { await withUi.ready() }, { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_APP_SWAGGER', message: /swagger-ui itself; pass docsPath: false/ })

  const specOnly = Fastify()
  t.teardown(() => specOnly.close())
  await specOnly.register(swagger, { openapi: {} })
  await specOnly.register(swaggerUi, { routePrefix: '/documentation' })
  await specOnly.register(openapi({ docsPath: false }))
  await specOnly.register(readItem)
  await specOnly.ready()
  t.equal((await specOnly.inject('/openapi.json')).json().paths['/items/{item_id}'].get.operationId, 'read_item_items__item_id__get', 'docsPath: false works next to the app\'s swagger-ui')

  const options = Fastify()
  t.teardown(() => options.close())
  await options.register(swagger, { openapi: {} })
  options.register(openapi({ swagger: { hideUntagged: true } }))
  await t.rejects(async () => { await options.ready() }, { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_APP_SWAGGER', message: /drop openapi\(\{ swagger \}\)/ })
})

t.test('swagger options pass through to @fastify/swagger', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({
    info: { title: 'Shop', version: '1.0.0' },
    docsPath: false,
    swagger: {
      openapi: { info: { title: 'ignored: info wins', version: '0' }, externalDocs: { url: 'https://docs.example/shop' } },
      exposeHeadRoutes: false,
      transform: ({ schema, url }) => ({ schema, url: url === '/plain' ? '/renamed' : url }),
      transformObject: (doc) => ({ ...(doc as { openapiObject: Record<string, unknown> }).openapiObject, 'x-built-by': 'the app' }) as never,
    },
  }))
  app.get('/plain', async () => 'plain')
  await app.register(createItem)
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.info, { title: 'Shop', version: '1.0.0' })
  t.strictSame(doc.externalDocs, { url: 'https://docs.example/shop' })
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.paths['/renamed'], 'the user\'s transform ran for the app\'s own route')
  t.equal(doc.paths['/items/'].post.operationId, 'create_item_items__post', 'but not for routecraft\'s')
  t.equal(doc['x-built-by'], 'the app', 'transformObject runs after routecraft built the document')

  const defaults = Fastify()
  t.teardown(() => defaults.close())
  await defaults.register(openapi({ docsPath: false, swagger: { openapi: { info: { title: 'From swagger', version: '2' } } } }))
  await defaults.ready()
  t.strictSame((await defaults.inject('/openapi.json')).json().info, { title: 'From swagger', version: '2' }, 'swagger.openapi.info is used without info')
})

t.test('swaggerUi options pass through to @fastify/swagger-ui', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const seen: string[] = []
  await app.register(openapi({
    protect: basicAuth({ autoError: true }),
    swaggerUi: {
      uiConfig: { docExpansion: 'none', deepLinking: false },
      staticCSP: "default-src 'self'",
      logo: { type: 'image/svg+xml', content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') },
      theme: { title: 'Shop docs' },
      transformSpecification: (spec) => ({ ...(spec as Record<string, unknown>), 'x-from-ui': true }),
      uiHooks: { onRequest: (request, _reply, done) => { seen.push(request.url); done() } },
    },
  }))
  await app.register(createItem)
  await app.ready()
  const auth = { authorization: 'Basic ' + Buffer.from('a:b').toString('base64') }
  t.equal((await app.inject('/docs/json')).statusCode, 401, 'protect still runs first')
  t.strictSame(seen, [], 'and the user\'s hook does not run for a refused request')
  const json = await app.inject({ url: '/docs/json', headers: auth })
  t.equal(json.json()['x-from-ui'], true, 'transformSpecification')
  t.equal(json.json().paths['/items/'].post.operationId, 'create_item_items__post')
  t.strictSame(seen, ['/docs/json'], 'the user\'s onRequest hook runs after protect')
  const init = await app.inject({ url: '/docs/static/swagger-initializer.js', headers: auth })
  t.match(init.body, /"docExpansion":"none"/, 'uiConfig reaches Swagger UI')
  t.match(init.body, /"deepLinking":false/, 'and overrides routecraft\'s defaults')
  t.match(init.body, /"showExtensions":true/, 'which otherwise stay')
  const page = await app.inject({ url: '/docs', headers: auth })
  t.equal(page.headers['content-security-policy'], "default-src 'self'", 'staticCSP')
  t.match(page.body, /<title>Shop docs<\/title>/, 'theme')
  t.match((await app.inject({ url: '/docs/static/logo.svg', headers: auth })).body, /<svg/, 'logo')
})

t.test('swaggerUi hooks without protect', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  let handled = 0
  await app.register(openapi({ swaggerUi: { uiHooks: { preHandler: (_request, _reply, done) => { handled++; done() } } } }))
  await app.ready()
  t.equal((await app.inject('/docs/json')).statusCode, 200)
  t.equal(handled, 1, 'the user\'s preHandler runs')
})

t.test('pass-through options of the wrong shape', async t => {
  const cases: Array<[unknown, RegExp]> = [
    [{ swagger: 'yes' }, /swagger must be an options object/],
    [{ swaggerUi: [] }, /swaggerUi must be an options object/],
    [{ swagger: { mode: 'static' } }, /unknown swagger option "mode"; known: openapi, hideUntagged/],
    [{ swagger: { decorator: 'x' } }, /unknown swagger option "decorator"/],
    [{ swaggerUi: { routePrefix: '/x' } }, /docs are served at docsPath/],
  ]
  for (const [options, message] of cases) {
    t.throws(() => openapi(options as OpenApiOptions), { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_OPTION', message }, JSON.stringify(options))
  }
})
