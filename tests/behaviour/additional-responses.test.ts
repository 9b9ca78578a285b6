/**
 * Additional responses (FastAPI's `responses={404: {"model": Message}}`, the page the seed
 * points to): documented with their models, media types and headers, and their models filter
 * at run time for their status. Plus which operations document the generated 422.
 */
import t from 'tap'
import type { Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Validator } from '@seriousme/openapi-schema-validator'
import { dependency, HttpError, openapi, route, withResponse } from '../../src/index.js'

type Json = Record<string, unknown>

const Item = Type.Object({ id: Type.String(), value: Type.String() }, { $id: 'Item' })
const NotFound = Type.Object({ detail: Type.String() }, { $id: 'NotFound' })
const User = Type.Object({ username: Type.String() }, { $id: 'User' })

const v422 = { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }

async function appWith (t: Test): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  return app
}

async function docOf (t: Test, app: FastifyInstance): Promise<Json> {
  await app.ready()
  const doc = (await app.inject('/openapi.json')).json<Json>()
  const check = await new Validator().validate(doc)
  t.ok(check.valid, `valid OpenAPI 3.1: ${JSON.stringify(check.errors)}`)
  return doc
}

function responsesOf (doc: Json, path: string, method: string): Json {
  const item = (doc.paths as Record<string, Record<string, Json>>)[path]
  return item?.[method]?.responses as Json
}

t.test('a 404 with a model, documented as FastAPI does', async t => {
  const app = await appWith(t)
  await app.register(route({
    method: 'GET',
    url: '/items/{item_id}',
    params: Type.Object({ item_id: Type.String() }),
    response: Item,
    responses: { 404: { description: 'The item was not found', schema: NotFound } },
    handler: function read_item ({ params }) {
      if (params.item_id !== 'foo') throw new HttpError(404, 'Item not found')
      return { id: 'foo', value: 'there goes my hero' }
    },
  }))
  await app.register(route({
    method: 'GET',
    url: '/other/',
    responses: { 404: { schema: NotFound } },
    handler: function read_other () { return 1 },
  }))
  const doc = await docOf(t, app)
  t.strictSame(responsesOf(doc, '/items/{item_id}', 'get'), {
    200: { description: 'Successful Response', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } },
    404: { description: 'The item was not found', content: { 'application/json': { schema: { $ref: '#/components/schemas/NotFound' } } } },
    422: v422,
  })
  t.strictSame(responsesOf(doc, '/other/', 'get'), {
    200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
    404: { description: 'Not Found', content: { 'application/json': { schema: { $ref: '#/components/schemas/NotFound' } } } },
  }, 'the description defaults to the reason phrase; no inputs, no 422')
  const schemas = (doc.components as Json).schemas as Json
  t.strictSame(Object.keys(schemas), ['HTTPValidationError', 'Item', 'NotFound', 'ValidationError'])
  t.strictSame(schemas.NotFound, { type: 'object', required: ['detail'], properties: { detail: { type: 'string' } }, title: 'NotFound' })

  const missing = await app.inject('/items/bar')
  t.equal(missing.statusCode, 404)
  t.strictSame(missing.json(), { detail: 'Item not found' })
  const found = await app.inject('/items/foo')
  t.equal(found.statusCode, 200)
  t.strictSame(found.json(), { id: 'foo', value: 'there goes my hero' })
})

t.test('default descriptions follow the status (Python http.client.responses)', async t => {
  const app = await appWith(t)
  await app.register(route({
    method: 'GET',
    url: '/codes',
    responses: {
      201: { schema: User },
      409: {},
      418: {},
      '4XX': {},
      default: {},
    },
    handler: function codes () { return 1 },
  }))
  const doc = await docOf(t, app)
  const r = responsesOf(doc, '/codes', 'get')
  t.equal((r['409'] as Json).description, 'Conflict')
  t.equal((r['201'] as Json).description, 'Created')
  t.equal((r['418'] as Json).description, "I'm a Teapot")
  t.equal((r['4XX'] as Json).description, 'Client Error')
  t.equal((r.default as Json).description, 'Default Response')
})

t.test('content by media type, next to the JSON model', async t => {
  const app = await appWith(t)
  await app.register(route({
    method: 'GET',
    url: '/items/{item_id}',
    params: Type.Object({ item_id: Type.String() }),
    response: Item,
    responses: {
      200: { description: 'Return the JSON item or an image.', content: { 'image/png': {} } },
      404: { content: { 'application/xml': { schema: Type.String(), example: '<error/>' } } },
    },
    handler: function read_item ({ params }) {
      if (params.item_id === 'img') return withResponse(Buffer.from([0x89, 0x50, 0x4e, 0x47]), { mediaType: 'image/png' })
      return { id: params.item_id, value: 'v' }
    },
  }))
  const doc = await docOf(t, app)
  t.strictSame(responsesOf(doc, '/items/{item_id}', 'get'), {
    200: {
      description: 'Return the JSON item or an image.',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } }, 'image/png': {} },
    },
    404: { description: 'Not Found', content: { 'application/xml': { schema: { type: 'string' }, example: '<error/>' } } },
    422: v422,
  })
  const img = await app.inject('/items/img')
  t.equal(img.statusCode, 200)
  t.equal(img.headers['content-type'], 'image/png')
  t.strictSame([...img.rawPayload], [0x89, 0x50, 0x4e, 0x47])
})

t.test('response headers are documented', async t => {
  const app = await appWith(t)
  await app.register(route({
    method: 'GET',
    url: '/headers/',
    responses: {
      200: {
        headers: {
          'X-Cat-Dog': { description: 'A cat or a dog', schema: Type.String() },
          'X-Rate-Limit': { description: 'Calls left', schema: Type.Integer(), required: true },
          'X-Plain': {},
        },
      },
    },
    handler: function get_headers ({ response }) {
      response.headers.set('X-Cat-Dog', 'alone in the world')
      response.headers.set('X-Rate-Limit', '9')
      return { message: 'Hello World' }
    },
  }))
  const doc = await docOf(t, app)
  t.strictSame(responsesOf(doc, '/headers/', 'get'), {
    200: {
      description: 'Successful Response',
      content: { 'application/json': { schema: {} } },
      headers: {
        'X-Cat-Dog': { description: 'A cat or a dog', schema: { type: 'string' } },
        'X-Rate-Limit': { description: 'Calls left', required: true, schema: { type: 'integer' } },
        'X-Plain': { schema: { type: 'string' } },
      },
    },
  })
  const res = await app.inject('/headers/')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-cat-dog'], 'alone in the world')
  t.equal(res.headers['x-rate-limit'], '9')
  t.strictSame(res.json(), { message: 'Hello World' })
})

t.test('a response model per status filters at run time', async t => {
  const app = await appWith(t)
  const Public = Type.Object({ username: Type.String() })
  await app.register(route({
    method: 'POST',
    url: '/users/{name}',
    params: Type.Object({ name: Type.String() }),
    response: Public,
    responses: { 404: { description: 'Missing', schema: NotFound }, 409: { description: 'Taken' } },
    handler: function upsert_user ({ params, response }) {
      if (params.name === 'ghost') {
        response.status = 404
        return { detail: 'x', secret: 'y' } as never
      }
      if (params.name === 'taken') {
        response.status = 409
        return { username: 'taken', password: 'p', other: 1 }
      }
      if (params.name === 'new') response.status = 201
      return { username: params.name, password: 'hunter2' }
    },
  }))
  const ghost = await app.inject({ method: 'POST', url: '/users/ghost' })
  t.equal(ghost.statusCode, 404)
  t.equal(ghost.body, '{"detail":"x"}', "the 404 model's fields only")
  const created = await app.inject({ method: 'POST', url: '/users/new' })
  t.equal(created.statusCode, 201)
  t.equal(created.body, '{"username":"new"}', 'the main model filters at a status set through ctx.response')
  const ok = await app.inject({ method: 'POST', url: '/users/rick' })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '{"username":"rick"}')
  const taken = await app.inject({ method: 'POST', url: '/users/taken' })
  t.equal(taken.statusCode, 409)
  t.equal(taken.body, '{"username":"taken"}', 'a status without its own model: the main model')
})

t.test('422 is documented for operations with inputs, and only those', async t => {
  const app = await appWith(t)
  const handler = function h (): number { return 1 }
  const withQuery = dependency({ query: Type.Object({ token: Type.String() }), resolve: ({ query }) => query.token })
  await app.register(route({ method: 'GET', url: '/none', handler: function no_inputs () { return 1 } }))
  await app.register(route({ method: 'GET', url: '/path/{id}', handler: function path_auto () { return 1 } }))
  await app.register(route({ method: 'GET', url: '/declared/{id}', params: Type.Object({ id: Type.Integer() }), handler }))
  await app.register(route({ method: 'GET', url: '/query', query: Type.Object({ q: Type.Optional(Type.String()) }), handler }))
  await app.register(route({ method: 'GET', url: '/header', headers: Type.Object({ 'x-token': Type.String() }), handler }))
  await app.register(route({ method: 'GET', url: '/cookie', cookies: Type.Object({ session: Type.String() }), handler }))
  await app.register(route({ method: 'POST', url: '/body', body: User, handler }))
  await app.register(route({ method: 'GET', url: '/dep', deps: { token: withQuery }, handler }))
  await app.register(route({ method: 'POST', url: '/raw', rawBody: true, handler }))
  const doc = await docOf(t, app)
  t.equal(responsesOf(doc, '/none', 'get')['422'], undefined, 'no inputs: no 422')
  t.equal(responsesOf(doc, '/raw', 'post')['422'], undefined, 'a raw body: no 422')
  for (const [path, method] of [['/path/{id}', 'get'], ['/declared/{id}', 'get'], ['/query', 'get'], ['/header', 'get'], ['/cookie', 'get'], ['/body', 'post'], ['/dep', 'get']] as const) {
    t.strictSame(responsesOf(doc, path, method)['422'], v422, `${method.toUpperCase()} ${path} documents 422`)
  }
  const schemas = (doc.components as Json).schemas as Record<string, Json>
  t.strictSame(schemas.HTTPValidationError, {
    properties: { detail: { items: { $ref: '#/components/schemas/ValidationError' }, type: 'array', title: 'Detail' } },
    type: 'object',
    title: 'HTTPValidationError',
  })
  t.ok(schemas.ValidationError !== undefined)
  // The documented 422 is the one the wire gives.
  const bad = await app.inject('/declared/abc')
  t.equal(bad.statusCode, 422)
  t.match(bad.json(), { detail: [{ loc: ['path', 'id'], input: 'abc' }] })
  t.strictSame(bad.json(), { detail: [{ type: 'int_parsing', loc: ['path', 'id'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'abc' }] },
    "FastAPI's error for a string that is no integer")
  t.equal((await app.inject('/dep')).statusCode, 422, 'a dependency input is validated')
})

t.test('a declared 422 replaces the generated one', async t => {
  const app = await appWith(t)
  const Problem = Type.Object({ title: Type.String() }, { $id: 'Problem' })
  await app.register(route({
    method: 'POST',
    url: '/items/',
    body: User,
    responses: { 422: { description: 'Unprocessable', schema: Problem } },
    handler: function create_item ({ body }) { return body },
  }))
  const doc = await docOf(t, app)
  t.strictSame(responsesOf(doc, '/items/', 'post'), {
    200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
    422: { description: 'Unprocessable', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } },
  })
  t.strictSame(Object.keys((doc.components as Json).schemas as Json), ['Problem', 'User'], 'no HTTPValidationError when no operation generates a 422')
})
