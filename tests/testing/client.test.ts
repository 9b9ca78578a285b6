// routecraft/testing: the typed test client, on the wire (through inject).
import t from 'tap'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import { HttpError, route, webhook, withResponse, RoutecraftError } from '../../src/index.js'
import { testClient, unchecked, UnexpectedStatusError } from '../../src/testing/index.js'

type Teardown = { teardown: (fn: () => unknown) => void }

async function appWith (t: Teardown, ...plugins: FastifyPluginAsync[]): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  for (const plugin of plugins) await app.register(plugin)
  return app
}

/** A route that answers what it received, as the server saw it. */
const echo = route({
  method: ['GET', 'POST'],
  url: '/echo/{a}/:b',
  params: Type.Object({ a: Type.String(), b: Type.String() }),
  handler: function echo_request ({ params, request }) {
    return { params, url: request.url, method: request.method, query: request.query, headers: request.headers }
  },
})

const Item = Type.Object({ id: Type.String(), name: Type.String(), price: Type.Number() })
const items = new Map([['plumbus', { id: 'plumbus', name: 'Plumbus', price: 9.99, internal_cost: 1 }]])

const readItem = route({
  method: 'GET',
  url: '/items/{item_id}',
  params: Type.Object({ item_id: Type.String() }),
  response: Item,
  responses: { 404: { description: 'No such item', schema: Type.Object({ detail: Type.String() }) } },
  handler: function read_item ({ params }) {
    const item = items.get(params.item_id)
    if (item === undefined) throw new HttpError(404, 'Item not found')
    return item
  },
})

const createItem = route({
  method: 'POST',
  url: '/items/',
  body: Type.Object({ name: Type.String(), price: Type.Number({ exclusiveMinimum: 0 }) }),
  response: Item,
  status: 201,
  handler: function create_item ({ body, response }) {
    response.setCookie('last', body.name, { httpOnly: true, maxAge: 60 })
    return { id: 'new', ...body }
  },
})

t.test('method, path and parameters come from the declaration', async t => {
  const app = await appWith(t, echo)
  const client = testClient(app)
  const res = await client.request(echo, { params: { a: 'one two', b: 'x/y?z#w%' } })
  t.equal(res.status, 200)
  t.match(res.body, { method: 'GET', url: '/echo/one%20two/x%2Fy%3Fz%23w%25', params: { a: 'one two', b: 'x/y?z#w%' } })
  const unicode = await client.request(echo, { params: { a: 'čaj', b: '🍵' }, method: 'POST' })
  t.match(unicode.body, { method: 'POST', params: { a: 'čaj', b: '🍵' } })
  const lower = await client.request(echo, { params: { a: '1', b: '2' }, method: 'post' })
  t.match(lower.body, { method: 'POST' })
})

t.test('a prefix the route was registered under is part of the path', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(async scope => { await scope.register(readItem, { prefix: '/v2' }) }, { prefix: '/api' })
  const res = await testClient(app).request(readItem, { params: { item_id: 'plumbus' } })
  t.equal(res.status, 200)
  t.same(res.body, { id: 'plumbus', name: 'Plumbus', price: 9.99 }, 'filtered by the response model')
})

t.test('query strings: scalars, arrays, null; undefined left out', async t => {
  const app = await appWith(t, echo)
  const res = await testClient(app).request(echo, {
    params: { a: 'a', b: 'b' },
    query: { q: 'x y&z', n: 3, yes: true, big: 10n, tag: ['a', 'b'], empty: null, gone: undefined },
  })
  t.match(res.body, { url: '/echo/a/b?q=x+y%26z&n=3&yes=true&big=10&tag=a&tag=b&empty=', query: { q: 'x y&z', n: '3', tag: ['a', 'b'], empty: '' } })
  const none = await testClient(app).request(echo, { params: { a: 'a', b: 'b' }, query: {} })
  t.match(none.body, { url: '/echo/a/b' })
})

t.test('headers and cookies', async t => {
  const app = await appWith(t, echo)
  const res = await testClient(app).request(echo, {
    params: { a: 'a', b: 'b' },
    headers: { 'X-Token': 'secret', 'x-n': 5, 'x-many': ['1', '2'], 'x-none': undefined },
    cookies: { session: 'abc', n: 1, skipped: undefined },
  })
  t.match(res.body, { headers: { 'x-token': 'secret', 'x-n': '5', 'x-many': '1, 2', cookie: 'session=abc; n=1' } })
  t.notOk('x-none' in (res.body as { headers: object }).headers)
})

t.test('JSON bodies, typed responses and cookies', async t => {
  const app = await appWith(t, createItem, readItem)
  const client = testClient(app)
  const res = await client.request(createItem, { body: { name: 'Portal Gun', price: 42 }, expect: 201 })
  t.equal(res.status, 201)
  t.same(res.body, { id: 'new', name: 'Portal Gun', price: 42 })
  t.equal(res.text, '{"id":"new","name":"Portal Gun","price":42}')
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.cookies.last, { value: 'Portal Gun', path: '/', sameSite: 'Lax', httpOnly: true, maxAge: 60 })

  const missing = await client.request(readItem, { params: { item_id: 'nope' } })
  t.equal(missing.status, 404)
  if (missing.status === 404) t.equal(missing.body.detail, 'Item not found')
})

t.test('a content type of the test\'s own wins', async t => {
  const seen = route({
    method: 'POST', url: '/seen', body: Type.Object({ a: Type.Number() }),
    handler: ({ body, headers }) => ({ body, type: headers['content-type'] }),
  })
  const app = await appWith(t, seen)
  const res = await testClient(app).request(seen, { body: { a: 1 }, headers: { 'content-type': 'application/vnd.api+json' } })
  t.same(res.body, { body: { a: 1 }, type: 'application/vnd.api+json' })
})

t.test('unchecked inputs: 422s on purpose', async t => {
  const app = await appWith(t, createItem, echo)
  const client = testClient(app)
  const wrong = await client.request(createItem, unchecked({ body: { name: 7 } }))
  t.equal(wrong.status, 422)
  if (wrong.status === 422) {
    t.same(wrong.body.detail.map(i => [i.type, i.loc]), [['string_type', ['body', 'name']], ['missing', ['body', 'price']]])
  }
  const malformed = await client.request(createItem, unchecked({ payload: '{"name":' }))
  t.equal(malformed.status, 422)
  t.match(malformed.body, { detail: [{ type: 'json_invalid', loc: ['body', 8] }] })
  const bytes = await client.request(createItem, unchecked({ payload: new TextEncoder().encode('{"name":"a","price":1}') }))
  t.equal(bytes.status, 201)
  const noBody = await client.request(createItem, unchecked({}))
  t.equal(noBody.status, 422)
  t.match(noBody.body, { detail: [{ type: 'missing', loc: ['body'] }] })
  const otherMethod = await client.request(echo, unchecked({ params: { a: 'a', b: 'b' }, method: 'DELETE' }))
  t.equal(otherMethod.status, 404)
  const emptySegment = await client.request(echo, unchecked({ params: { a: '', b: 'b' } }))
  t.equal(emptySegment.status, 404, 'an empty path segment never matches')
})

t.test('raw bodies go as they are', async t => {
  const raw = route({
    method: 'POST', url: '/raw', rawBody: true,
    handler: ({ body, headers }) => ({ text: body.toString('latin1'), type: headers['content-type'] ?? null }),
  })
  const app = await appWith(t, raw)
  const client = testClient(app)
  t.same((await client.request(raw, { body: 'name: x' })).body, { text: 'name: x', type: 'application/octet-stream' })
  t.same((await client.request(raw, { body: new Uint8Array([0xff, 0x41]), headers: { 'content-type': 'application/x-yaml' } })).body, { text: 'ÿA', type: 'application/x-yaml' })
  t.same((await client.request(raw, unchecked({ payload: 'as is' }))).body, { text: 'as is', type: null })
  t.same((await client.request(raw, unchecked({ body: { a: 1 } }))).body, { text: '{"a":1}', type: 'application/json' })
})

t.test('response bodies: JSON, text, bytes, empty', async t => {
  const kinds = route({
    method: 'GET', url: '/kinds/{kind}', params: Type.Object({ kind: Type.String() }),
    handler: ({ params }) => {
      switch (params.kind) {
        case 'xml': return withResponse('<a/>', { mediaType: 'application/xml' })
        case 'text': return withResponse('plain', { mediaType: 'text/plain' })
        case 'png': return withResponse(Buffer.from([0x89, 0x50]), { mediaType: 'image/png' })
        case 'bad-json': return withResponse('{nope', { mediaType: 'application/json' })
        case 'problem': return withResponse('{"title":"x"}', { mediaType: 'application/problem+json' })
        case 'empty': return withResponse('', { status: 204 })
        default: return withResponse('untyped', { mediaType: 'text/plain' })
      }
    },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  // A response without a content type at all.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.endsWith('/other')) reply.removeHeader('content-type')
    return payload
  })
  await app.register(kinds)
  const client = testClient(app)
  const get = async (kind: string): Promise<unknown> => (await client.request(kinds, { params: { kind } })).body
  t.equal(await get('xml'), '<a/>')
  t.equal(await get('text'), 'plain')
  t.same(await get('png'), Buffer.from([0x89, 0x50]))
  t.equal(await get('bad-json'), '{nope', 'JSON that does not parse stays text')
  t.same(await get('problem'), { title: 'x' })
  t.equal(await get('empty'), undefined)
  const other = await client.request(kinds, { params: { kind: 'other' } })
  t.equal(other.headers['content-type'], undefined)
  t.equal(other.body, 'untyped')
})

t.test('expect: another status throws with the status and the body', async t => {
  const app = await appWith(t, readItem)
  const client = testClient(app)
  const ok = await client.request(readItem, { params: { item_id: 'plumbus' }, expect: 200 })
  t.equal(ok.body.name, 'Plumbus')
  const err = await client.request(readItem, { params: { item_id: 'nope' }, expect: 200 }).catch((e: unknown) => e)
  t.type(err, UnexpectedStatusError)
  t.match((err as Error).message, 'GET /items/nope: expected status 200, got 404 {"detail":"Item not found"}')
  t.equal((err as UnexpectedStatusError).expected, 200)
  t.equal((err as UnexpectedStatusError).response.status, 404)
  t.equal((err as Error).name, 'UnexpectedStatusError')
})

t.test('the app is made ready on the first request', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(readItem)
  const res = await testClient(app).request(readItem, { params: { item_id: 'plumbus' } })
  t.equal(res.status, 200)
})

t.test('mistakes are RoutecraftErrors with their codes', async t => {
  const hook = webhook({ name: 'thing-happened' })
  const app = await appWith(t, readItem, echo, hook)
  const client = testClient(app)
  const code = async (p: Promise<unknown>, expected: string): Promise<void> => {
    const err = await p.then(() => undefined, (e: unknown) => e)
    t.type(err, RoutecraftError)
    t.equal((err as RoutecraftError).code, expected, (err as Error).message)
  }
  await code(client.request(hook as never, {} as never), 'RC_ERR_TESTING_ROUTE')
  await code(client.request({} as never, {} as never), 'RC_ERR_TESTING_ROUTE')
  await code(client.request(null as never, {} as never), 'RC_ERR_TESTING_ROUTE')
  await code(client.request(createItem, { body: { name: 'a', price: 1 } }), 'RC_ERR_TESTING_ROUTE')
  await code(client.request(readItem, { params: {} } as never), 'RC_ERR_TESTING_INPUT')
  await code(client.request(readItem, unchecked({ params: { item_id: { a: 1 } } })), 'RC_ERR_TESTING_INPUT')
  await code(client.request(readItem, unchecked({})), 'RC_ERR_TESTING_INPUT')
  await code(client.request(echo, { params: { a: 'a', b: 'b' }, method: 'PUT' }), 'RC_ERR_TESTING_INPUT')
  await code(client.request(echo, unchecked({ params: { a: 'a', b: 'b' }, query: { deep: { a: 1 } } })), 'RC_ERR_TESTING_INPUT')
  await code(client.request(echo, unchecked({ params: { a: 'a', b: 'b' }, query: { list: [{}] } })), 'RC_ERR_TESTING_INPUT')
  await code(client.request(echo, unchecked({ params: { a: 'a', b: 'b' }, headers: { 'x-a': {} } })), 'RC_ERR_TESTING_INPUT')
  await code(client.request(echo, unchecked({ params: { a: 'a', b: 'b' }, cookies: { c: [] } })), 'RC_ERR_TESTING_INPUT')

  const twice = Fastify()
  t.teardown(() => twice.close())
  await twice.register(readItem, { prefix: '/a' })
  await twice.register(readItem, { prefix: '/b' })
  await code(testClient(twice).request(readItem, { params: { item_id: 'x' } }), 'RC_ERR_TESTING_ROUTE')
})
