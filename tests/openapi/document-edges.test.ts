/**
 * Corners of the generated document: parameter flags, descriptions of additional responses
 * with no standard reason phrase, operationId functions that return nothing usable, and the
 * pure builders called with entries the route builders never produce.
 */
import t from 'tap'
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, webhook } from '../../src/index.js'
import type { OpenApiOptions } from '../../src/index.js'
import { buildDocument, operationIdOf, operationName } from '../../src/openapi/document.js'
import type { Operation, RegistryEntry } from '../../src/declare/types.js'

type Json = Record<string, any>

async function docOf (t: Test, register: (app: FastifyInstance) => Promise<unknown>, options: OpenApiOptions = {}): Promise<Json> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ docsPath: false, ...options }))
  await register(app)
  await app.ready()
  return (await app.inject('/openapi.json')).json()
}

t.test('parameters: description and deprecated are lifted from the property schema', async t => {
  const doc = await docOf(t, async app => { await app.register(route({
    method: 'GET',
    url: '/items/',
    query: Type.Object({
      q: Type.Optional(Type.String({ description: 'Search text' })),
      old: Type.Optional(Type.String({ deprecated: true })),
      notOld: Type.Optional(Type.String({ deprecated: false })),
    }),
    headers: Type.Object({ 'x-token': Type.String() }),
    handler: function read_items () { return [] },
  })) })
  t.strictSame(doc.paths['/items/'].get.parameters, [
    { name: 'q', in: 'query', required: false, description: 'Search text', schema: { description: 'Search text', type: 'string' } },
    { name: 'old', in: 'query', required: false, deprecated: true, schema: { deprecated: true, type: 'string' } },
    { name: 'notOld', in: 'query', required: false, schema: { deprecated: false, type: 'string' } },
    { name: 'x-token', in: 'header', required: true, schema: { type: 'string' } },
  ])
})

t.test('additional responses: range, standard and non-standard status descriptions', async t => {
  const doc = await docOf(t, async app => { await app.register(route({
    method: 'GET',
    url: '/x',
    responses: {
      '1XX': {},
      '3XX': {},
      default: {},
      404: {},
      299: {},
      599: { description: 'Custom' },
      200: { description: 'Replaced' },
    },
    handler: function read_x () { return 'x' },
  })) })
  const responses = doc.paths['/x'].get.responses
  t.equal(responses['1XX'].description, 'Information')
  t.equal(responses['3XX'].description, 'Redirection')
  t.equal(responses.default.description, 'Default Response')
  t.equal(responses['404'].description, 'Not Found')
  t.equal(responses['299'].description, 'Additional Response', 'no reason phrase for 299')
  t.equal(responses['599'].description, 'Custom')
  t.strictSame(responses['200'], { description: 'Replaced', content: { 'application/json': { schema: {} } } })
  t.notOk('422' in responses, 'no inputs, no validation error')
})

t.test('operationId functions that return no usable id fail at start-up', async t => {
  for (const [label, result] of [['an empty string', ''], ['undefined', undefined], ['a number', 7]] as const) {
    const viaRoute = Fastify()
    t.teardown(() => viaRoute.close())
    await viaRoute.register(openapi())
    await viaRoute.register(route({ method: 'GET', url: '/r', generateOperationId: () => result as never, handler: function read_r () { return 1 } }))
    await t.rejects(async () => { await viaRoute.ready() }, {
      code: 'RC_ERR_OPENAPI_OPTION',
      message: `RC_ERR_OPENAPI_OPTION: the operationId function returned ${JSON.stringify(result)} for GET /r; it must return a non-empty string`,
    }, `generateOperationId returning ${label}`)

    const viaOption = Fastify()
    t.teardown(() => viaOption.close())
    await viaOption.register(openapi({ operationIds: () => result as never }))
    await viaOption.register(webhook({ name: 'evt' }))
    await t.rejects(async () => { await viaOption.ready() }, { code: 'RC_ERR_OPENAPI_OPTION', message: /returned .* for POST evt/ }, `openapi({ operationIds }) returning ${label}`)
  }
})

t.test('an operationId function gets name, path, lower-case method and kind', async t => {
  const seen: unknown[] = []
  const doc = await docOf(t, async app => {
    await app.register(route({ method: ['GET', 'PUT'], url: '/things/{id}', handler: () => 1 }))
    await app.register(webhook({ name: 'thing-made' }))
  }, { operationIds: info => { seen.push(info); return `${info.kind}_${info.method}_${info.name}` } })
  t.strictSame(seen, [
    { name: 'get_things_id', path: '/things/{id}', method: 'get', kind: 'route' },
    { name: 'put_things_id', path: '/things/{id}', method: 'put', kind: 'route' },
    { name: 'thing-made', path: 'thing-made', method: 'post', kind: 'webhook' },
  ], 'an anonymous handler is named from method and path')
  t.equal(doc.paths['/things/{id}'].get.operationId, 'route_get_get_things_id')
  t.equal(doc.webhooks['thing-made'].post.operationId, 'webhook_post_thing-made')
})

// The pure builders, called directly with entries route() and webhook() never build: a
// webhook always has a name, and a part schema always has `properties`.

function entry (op: Partial<Operation>, rest: Partial<RegistryEntry> = {}): RegistryEntry {
  const base: Operation = {
    kind: 'route', methods: ['GET'], url: '/p', pathParams: [], name: undefined, operationId: undefined,
    generateOperationId: undefined, summary: undefined, description: undefined, tags: [], deprecated: false,
    includeInSchema: true, openapiExtra: undefined, params: undefined, query: undefined, headers: undefined,
    cookies: undefined, body: undefined, rawBody: false, response: undefined, status: 200, responses: {}, deps: {}, handler: undefined,
  }
  return { op: { ...base, ...op }, path: op.url ?? '/p', inputs: {}, security: [], ...rest }
}

t.test('operationName: declared, else the event name of a webhook, else from method and path', async t => {
  t.equal(operationName(entry({ name: 'declared' }), 'GET'), 'declared')
  t.equal(operationName(entry({ kind: 'webhook', url: 'evt.made' }), 'POST'), 'evt.made')
  t.equal(operationName(entry({ url: '/a/{b}' }), 'DELETE'), 'delete_a_b')
  t.equal(operationIdOf(entry({ kind: 'webhook', url: 'evt.made' }), 'POST', 'name'), 'evt.made')
  t.equal(operationIdOf(entry({ kind: 'webhook', url: 'evt.made' }), 'POST', 'default'), 'evt_madeevt_made_post')
})

t.test('buildDocument: a part schema without properties documents no parameters', async t => {
  const doc = buildDocument({ openapi: '3.1.0', info: { title: 't', version: '1' } }, [
    entry({ name: 'p' }, { inputs: { query: { type: 'object' } as never } }),
  ], { operationIds: 'name' })
  t.strictSame(doc.paths, {
    '/p': {
      get: {
        summary: 'P',
        operationId: 'p',
        responses: {
          200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
          422: { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } },
        },
      },
    },
  })
})
