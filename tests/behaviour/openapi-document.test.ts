/**
 * The document openapi() serves: openapiExtra merged into the generated operation (FastAPI's
 * deep_dict_update), operationId strategies and the duplicate check, what is and is not
 * documented, and the serving options. Every seed port of the page is valid OpenAPI 3.1.
 */
import t from 'tap'
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Validator } from '@seriousme/openapi-schema-validator'
import { openapi, route, webhook, RoutecraftError } from '../../src/index.js'
import type { OpenApiOptions } from '../../src/index.js'

type Json = Record<string, unknown>

async function appWith (t: Test, options: OpenApiOptions = {}): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi(options))
  return app
}

async function docOf (app: FastifyInstance, url = '/openapi.json'): Promise<Json> {
  await app.ready()
  const res = await app.inject({ method: 'GET', url })
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json<Json>()
}

function op (doc: Json, path: string, method: string): Json {
  const item = (doc.paths as Record<string, Record<string, Json>>)[path]
  const found = item?.[method]
  if (found === undefined) throw new Error(`no ${method} ${path} in ${JSON.stringify(Object.keys(doc.paths as Json))}`)
  return found
}

const ok200 = { description: 'Successful Response', content: { 'application/json': { schema: {} } } }
const v422 = { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }

function read_items (): Array<{ item_id: string }> {
  return [{ item_id: 'Foo' }]
}

// ---------------------------------------------------------------------------------------------
// openapiExtra
// ---------------------------------------------------------------------------------------------

t.test('openapiExtra: deep merge into the generated operation, applied last', async t => {
  const app = await appWith(t)
  const Item = Type.Object({ name: Type.String() }, { $id: 'Item' })
  await app.register(route({
    method: 'POST',
    url: '/items/{item_id}',
    params: Type.Object({ item_id: Type.String() }),
    query: Type.Object({ q: Type.Optional(Type.String()) }),
    body: Item,
    summary: 'Generated summary',
    tags: ['items'],
    openapiExtra: {
      summary: 'Replaced summary',
      tags: ['extra'],
      parameters: [{ name: 'X-Trace', in: 'header', required: false, schema: { type: 'string' } }],
      requestBody: { description: 'An item', content: { 'application/x-yaml': { schema: { type: 'string' } } } },
      responses: { 200: { 'x-cache': 'hit', description: 'Replaced description' }, 418: { description: "I'm a teapot" } },
      'x-aperture-labs-portal': 'blue',
      'x-nested': { a: [1], b: { c: true } },
    },
    handler: function create_item ({ body }) { return body },
  }))
  const doc = await docOf(app)
  t.strictSame(op(doc, '/items/{item_id}', 'post'), {
    tags: ['items', 'extra'],
    summary: 'Replaced summary',
    operationId: 'create_item_items__item_id__post',
    parameters: [
      { name: 'item_id', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
      { name: 'X-Trace', in: 'header', required: false, schema: { type: 'string' } },
    ],
    requestBody: {
      content: {
        'application/json': { schema: { $ref: '#/components/schemas/Item' } },
        'application/x-yaml': { schema: { type: 'string' } },
      },
      required: true,
      description: 'An item',
    },
    responses: {
      200: { description: 'Replaced description', content: { 'application/json': { schema: {} } }, 'x-cache': 'hit' },
      422: v422,
      418: { description: "I'm a teapot" },
    },
    'x-aperture-labs-portal': 'blue',
    'x-nested': { a: [1], b: { c: true } },
  }, 'lists concatenate (generated first), objects merge, scalars replace, extensions survive')
  // Key order follows Python's dict update: generated keys first, new keys after.
  t.strictSame(Object.keys(op(doc, '/items/{item_id}', 'post')), ['tags', 'summary', 'operationId', 'parameters', 'requestBody', 'responses', 'x-aperture-labs-portal', 'x-nested'])
})

t.test('openapiExtra: the declaration is not mutated, and hostile keys are dropped', async t => {
  const app = await appWith(t)
  const extra = JSON.parse('{"x-a": {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "ok": 1}, "parameters": []}') as Record<string, unknown>
  const before = JSON.stringify(extra)
  await app.register(route({ method: 'GET', url: '/items/', openapiExtra: extra, handler: read_items }))
  const doc = await docOf(app)
  t.strictSame(op(doc, '/items/', 'get')['x-a'], { ok: 1 })
  t.strictSame(op(doc, '/items/', 'get').parameters, [], 'a list onto nothing is that list (as deep_dict_update does)')
  t.equal(JSON.stringify(extra), before, 'the declaration is unchanged')
  t.equal(({} as Json).polluted, undefined)
})

// ---------------------------------------------------------------------------------------------
// operationIds
// ---------------------------------------------------------------------------------------------

t.test('operationId: FastAPI default, prefix included', async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }), { prefix: '/v1' })
  await app.register(route({ method: 'GET', url: '/items/{item_id}', params: Type.Object({ item_id: Type.String() }), handler: function read_item ({ params }) { return params } }))
  const doc = await docOf(app)
  t.strictSame(Object.keys(doc.paths as Json), ['/items/', '/v1/items/', '/items/{item_id}'])
  t.equal(op(doc, '/items/', 'get').operationId, 'read_items_items__get')
  t.equal(op(doc, '/v1/items/', 'get').operationId, 'read_items_v1_items__get')
  t.equal(op(doc, '/items/{item_id}', 'get').operationId, 'read_item_items__item_id__get')
  const res = await app.inject('/v1/items/')
  t.equal(res.statusCode, 200)
  t.equal(res.body, '[{"item_id":"Foo"}]')
})

t.test('operationId: the "name" strategy', async t => {
  const app = await appWith(t, { operationIds: 'name' })
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  await app.register(route({ method: 'GET', url: '/users/me', handler: () => 1 }))
  await app.register(route({ method: 'GET', url: '/explicit', operationId: 'mine', handler: read_items }))
  const doc = await docOf(app)
  t.equal(op(doc, '/items/', 'get').operationId, 'read_items')
  t.equal(op(doc, '/users/me', 'get').operationId, 'get_users_me', 'the method+path name of an anonymous handler')
  t.equal(op(doc, '/explicit', 'get').operationId, 'mine', 'an explicit operationId wins')
})

t.test('operationId: app-level function, overridden by a route-level one', async t => {
  const seen: unknown[] = []
  const app = await appWith(t, {
    operationIds: info => { seen.push(info); return `app_${info.method}_${info.name}` },
  })
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }), { prefix: '/v2' })
  await app.register(route({
    method: 'POST',
    url: '/items/',
    generateOperationId: ({ name, method }) => `route_${name}_${method}`,
    handler: function create_item () { return 1 },
  }))
  await app.register(webhook({ name: 'item-created' }))
  const doc = await docOf(app)
  t.equal(op(doc, '/v2/items/', 'get').operationId, 'app_get_read_items')
  t.equal(op(doc, '/items/', 'post').operationId, 'route_create_item_post')
  t.equal(((doc.webhooks as Record<string, Json>)['item-created']?.post as Json).operationId, 'app_post_item-created')
  t.strictSame(seen, [
    { name: 'read_items', path: '/v2/items/', method: 'get', kind: 'route' },
    { name: 'item-created', path: 'item-created', method: 'post', kind: 'webhook' },
  ], 'the function sees name, full path, lower-case method and kind; not called for the route with its own')
})

t.test('operationId: a multi-method route gets one id per method', async t => {
  for (const strategy of ['default', 'name'] as const) {
    const app = await appWith(t, { operationIds: strategy })
    await app.register(route({ method: ['GET', 'POST'], url: '/items/', handler: read_items }))
    const doc = await docOf(app)
    const ids = [op(doc, '/items/', 'get').operationId, op(doc, '/items/', 'post').operationId]
    t.strictSame(ids, strategy === 'default' ? ['read_items_items__get', 'read_items_items__post'] : ['read_items_get', 'read_items_post'], strategy)
    t.equal((await app.inject({ method: 'POST', url: '/items/' })).statusCode, 200)
  }
  t.throws(() => route({ method: ['GET', 'POST'], url: '/items/', operationId: 'one', handler: read_items }), { code: 'RC_ERR_ROUTE_OPTION' },
    'an explicit operationId cannot serve two methods')
})

async function rejection (app: FastifyInstance): Promise<unknown> {
  try {
    await app.ready()
  } catch (err) {
    return err
  }
  return undefined
}

t.test('operationId: duplicates make ready() reject, naming the id and both routes', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/items/', operationId: 'dup', handler: read_items }))
  await app.register(route({ method: 'POST', url: '/things/{id}', operationId: 'dup', handler: read_items }))
  const err = await rejection(app)
  t.ok(err instanceof RoutecraftError, 'a RoutecraftError')
  t.equal((err as RoutecraftError).code, 'RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID')
  t.match((err as Error).message, /"dup"/)
  t.match((err as Error).message, /GET \/items\//)
  t.match((err as Error).message, /POST \/things\/\{id\}/)
})

t.test('operationId: same names under the "name" strategy clash', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ operationIds: 'name' }))
  await app.register(route({ method: 'GET', url: '/a/', handler: read_items }))
  await app.register(route({ method: 'GET', url: '/b/', handler: read_items }))
  const err = await rejection(app)
  t.equal((err as RoutecraftError).code, 'RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID')
  t.match((err as Error).message, /"read_items".*GET \/a\/.*GET \/b\//)
})

t.test('operationId: a route and a webhook clashing', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(webhook({ name: 'item-created', operationId: 'shared' }))
  await app.register(route({ method: 'POST', url: '/items/', operationId: 'shared', handler: read_items }))
  const err = await rejection(app)
  t.equal((err as RoutecraftError).code, 'RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID')
  t.match((err as Error).message, /"shared"/)
  t.match((err as Error).message, /webhook POST item-created/)
  t.match((err as Error).message, /POST \/items\//)
})

t.test('operationId: hidden routes do not count for duplicates', async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/items/', operationId: 'dup', handler: read_items }))
  await app.register(route({ method: 'GET', url: '/internal/', operationId: 'dup', includeInSchema: false, handler: read_items }))
  const doc = await docOf(app)
  t.strictSame(Object.keys(doc.paths as Json), ['/items/'])
  t.equal((await app.inject('/internal/')).statusCode, 200)
})

// ---------------------------------------------------------------------------------------------
// What is documented
// ---------------------------------------------------------------------------------------------

t.test('includeInSchema false: the route and the components only it used are gone', async t => {
  const app = await appWith(t)
  const Secret = Type.Object({ token: Type.String() }, { $id: 'Secret' })
  const Shared = Type.Object({ id: Type.String() }, { $id: 'Shared' })
  await app.register(route({ method: 'POST', url: '/secret', includeInSchema: false, body: Secret, response: Shared, handler: () => ({ id: 's' }) }))
  await app.register(route({ method: 'GET', url: '/shared', response: Shared, handler: () => ({ id: 'x', hidden: 1 }) }))
  const doc = await docOf(app)
  t.strictSame(Object.keys(doc.paths as Json), ['/shared'])
  t.strictSame(doc.components, { schemas: { Shared: { type: 'object', required: ['id'], properties: { id: { type: 'string' } }, title: 'Shared' } } },
    'Secret is absent; Shared, also used by a documented route, stays; no 422 components without a documented input')
  const res = await app.inject({ method: 'POST', url: '/secret', payload: { token: 't' } })
  t.equal(res.statusCode, 200, 'the hidden route is served')
  t.equal(res.body, '{"id":"s"}')
})

t.test('a route registered before openapi() is documented', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({ method: 'GET', url: '/early/', handler: read_items }))
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/late/', handler: read_items }))
  const doc = await docOf(app)
  t.strictSame(Object.keys(doc.paths as Json).sort(), ['/early/', '/late/'])
  t.equal(op(doc, '/early/', 'get').operationId, 'read_items_early__get')
})

t.test("openapi()'s own routes and HEAD routes are not documented", async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  const doc = await docOf(app)
  t.strictSame(doc.paths, { '/items/': { get: { summary: 'Read Items', operationId: 'read_items_items__get', responses: { 200: ok200 } } } })
  t.equal((await app.inject({ method: 'HEAD', url: '/items/' })).statusCode, 200, 'the HEAD route exists')
  t.equal((await app.inject('/docs')).statusCode, 200, '/docs exists')
})

t.test('summary defaults', async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/a', handler: function readItems () { return 1 } }))
  await app.register(route({ method: 'GET', url: '/users/me', handler: () => 1 }))
  await app.register(route({ method: 'GET', url: '/c', handler: async function () { return 1 } }))
  await app.register(route({ method: 'GET', url: '/d', name: 'list_all_things', handler: () => 1 }))
  await app.register(route({ method: 'GET', url: '/e', summary: 'Given', handler: read_items }))
  const doc = await docOf(app)
  t.strictSame([op(doc, '/a', 'get').summary, op(doc, '/a', 'get').operationId], ['Read Items', 'readItems_a_get'])
  t.strictSame([op(doc, '/users/me', 'get').summary, op(doc, '/users/me', 'get').operationId], ['Get Users Me', 'get_users_me_users_me_get'])
  t.strictSame([op(doc, '/c', 'get').summary, op(doc, '/c', 'get').operationId], ['Get C', 'get_c_c_get'], 'an anonymous function expression')
  t.strictSame([op(doc, '/d', 'get').summary, op(doc, '/d', 'get').operationId], ['List All Things', 'list_all_things_d_get'])
  t.equal(op(doc, '/e', 'get').summary, 'Given')
})

t.test('description: cleaned and cut at \\f; tags and deprecated', async t => {
  const app = await appWith(t)
  await app.register(route({
    method: 'GET',
    url: '/items/',
    tags: ['items'],
    deprecated: true,
    description: `
        First line.

          Indented more.
        \f
        Hidden.`,
    handler: read_items,
  }))
  await app.register(route({ method: 'GET', url: '/only-notes', description: '\f notes', handler: read_items }))
  const doc = await docOf(app)
  t.strictSame(op(doc, '/items/', 'get'), {
    tags: ['items'],
    summary: 'Read Items',
    description: 'First line.\n\n  Indented more.',
    operationId: 'read_items_items__get',
    deprecated: true,
    responses: { 200: ok200 },
  })
  t.notOk('description' in op(doc, '/only-notes', 'get'), 'nothing before \\f: no description')
})

// ---------------------------------------------------------------------------------------------
// Serving options
// ---------------------------------------------------------------------------------------------

t.test('specPath and docsPath', async t => {
  const custom = await appWith(t, { specPath: '/api/schema.json', docsPath: '/api/docs' })
  await custom.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  const doc = await docOf(custom, '/api/schema.json')
  t.strictSame(Object.keys(doc.paths as Json), ['/items/'], 'the custom spec path is served and not documented')
  t.equal((await custom.inject('/openapi.json')).statusCode, 404)
  t.strictSame((await custom.inject('/openapi.json')).json(), { detail: 'Not Found' })
  t.equal((await custom.inject('/docs')).statusCode, 404)
  t.equal((await custom.inject('/api/docs')).statusCode, 200)

  const off = await appWith(t, { specPath: false, docsPath: false })
  await off.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  await off.ready()
  t.equal((await off.inject('/openapi.json')).statusCode, 404, 'specPath false')
  t.equal((await off.inject('/docs')).statusCode, 404, 'docsPath false')
  t.equal((await off.inject('/items/')).statusCode, 200)
  t.strictSame(Object.keys((off.swagger() as Json).paths as Json), ['/items/'], 'the document still exists (app.swagger())')

  const docsOnly = await appWith(t, { specPath: false })
  await docsOnly.ready()
  t.equal((await docsOnly.inject('/openapi.json')).statusCode, 404)
  t.equal((await docsOnly.inject('/docs')).statusCode, 200)

  t.throws(() => openapi({ specPath: 'no-slash' }), { code: 'RC_ERR_OPENAPI_OPTION' })
  t.throws(() => openapi({ specPath: '/docs/openapi.json' }), { code: 'RC_ERR_OPENAPI_OPTION' }, 'the spec may not live under the docs')
})

t.test('the document is served as JSON and is the same on every call', async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/items/', handler: read_items }))
  await app.ready()
  const a = await app.inject('/openapi.json')
  const b = await app.inject('/openapi.json')
  t.match(a.headers['content-type'], /^application\/json/)
  t.equal(a.body, b.body)
})

t.test('the document is sent as UTF-8 bytes, with its charset and exact length', async t => {
  const app = await appWith(t)
  await app.register(route({ method: 'GET', url: '/items/', summary: 'Grüße, 商品 and 🍕', handler: read_items }))
  await app.ready()
  for (let i = 0; i < 2; i++) {
    const res = await app.inject('/openapi.json')
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
    t.equal(Number(res.headers['content-length']), res.rawPayload.length)
    t.equal(res.rawPayload.length, Buffer.byteLength(res.body))
    t.equal((res.json() as { paths: Record<string, Record<string, { summary: string }>> }).paths['/items/']?.get?.summary, 'Grüße, 商品 and 🍕')
  }
})

// ---------------------------------------------------------------------------------------------
// Every seed port of the page is valid OpenAPI 3.1
// ---------------------------------------------------------------------------------------------

const seeds = ['operation_id', 'route_names_as_ids', 'exclude_from_schema', 'docstring_truncation', 'openapi_extensions', 'openapi_custom_body', 'openapi_yaml_body']
for (const name of seeds) {
  t.test(`seed ${name}: valid OpenAPI 3.1`, async t => {
    const mod = await import(`../../playground/seed/${name}.js`) as { build: () => Promise<FastifyInstance> }
    const app = await mod.build()
    t.teardown(() => app.close())
    const doc = await docOf(app)
    t.equal(doc.openapi, '3.1.0')
    const res = await new Validator().validate(doc)
    t.ok(res.valid, JSON.stringify(res.errors))
  })
}

t.test('a TypeBox schema in openapiExtra is documented like a body schema', async t => {
  const app = await appWith(t)
  const Item = Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) }, { $id: 'Item' })
  const yamlBody = { requestBody: { content: { 'application/x-yaml': { schema: Item } }, required: true } }
  await app.register(route({ method: 'POST', url: '/json', body: Item, handler: function create_json () { return 1 } }))
  await app.register(route({ method: 'POST', url: '/yaml', rawBody: true, openapiExtra: yamlBody, handler: function create_yaml () { return 1 } }))
  await app.register(route({ method: 'PUT', url: '/yaml', rawBody: true, openapiExtra: yamlBody, handler: function replace_yaml () { return 1 } }))
  const doc = await docOf(app)
  const res = await new Validator().validate(doc)
  t.ok(res.valid, `valid OpenAPI 3.1: ${JSON.stringify(res.errors)}`)
  for (const method of ['post', 'put']) {
    t.strictSame(op(doc, '/yaml', method).requestBody, { content: { 'application/x-yaml': { schema: { $ref: '#/components/schemas/Item' } } }, required: true }, `${method} /yaml`)
  }
  t.strictSame(((doc.components as Json).schemas as Json).Item, {
    type: 'object', required: ['name', 'tags'], properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } }, title: 'Item',
  }, 'one component for the body and the extra')
})
