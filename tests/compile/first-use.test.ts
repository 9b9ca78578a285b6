/**
 * Compilation on first use: a route's validators and serializers are built by its first
 * request, once (requests arriving together share it), never at declaration or `ready()`; what
 * a schema gets before that is the cheap check at declaration. The openapi() document likewise
 * waits for its first request, with its ids checked at `ready()`.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type, type TSchema } from '@sinclair/typebox'
import { openapi, route, RoutecraftError } from '../../src/index.js'
import { SchemaComponents } from '../../src/openapi/schema.js'

/** `schema` behind a proxy that counts the property reads made on any of its nodes. */
function counted<S extends TSchema> (schema: S): { schema: S; reads: () => number } {
  let reads = 0
  const wrap = <T extends object>(node: T): T => new Proxy(node, {
    get (target, key, receiver) {
      reads++
      const value = Reflect.get(target, key, receiver) as unknown
      return typeof value === 'object' && value !== null ? wrap(value) : value
    },
  })
  return { schema: wrap(schema), reads: () => reads }
}

const Item = (): TSchema => Type.Object({ id: Type.Integer(), name: Type.String(), tags: Type.Array(Type.String()) })

async function appWith (t: { teardown: (fn: () => unknown) => void }, response: TSchema, body: TSchema): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(route({
    method: 'POST', url: '/items/{id}', params: Type.Object({ id: Type.Integer() }), body, response,
    handler: function create_item ({ params, body }) { return { ...(body as object), id: params.id, secret: 'x' } },
  }))
  return app
}

const POST = { method: 'POST' as const, url: '/items/7', payload: { name: 'a', tags: ['x'], extra: 1 } }

t.test('validators and serializers are compiled by the first request, not by ready()', async t => {
  const response = counted(Item())
  const body = counted(Item())
  const app = await appWith(t, response.schema, Type.Omit(body.schema, ['id']))
  const declared = [response.reads(), body.reads()]
  await app.ready()
  t.strictSame([response.reads(), body.reads()], declared, 'ready() reads no schema')
  const first = await app.inject(POST)
  t.equal(first.statusCode, 200)
  t.strictSame(first.json(), { id: 7, name: 'a', tags: ['x'] }, 'the first request validates and serializes')
  t.ok(response.reads() > declared[0], 'the response model was compiled on the first request')
  const compiled = [response.reads(), body.reads()]
  for (let i = 0; i < 5; i++) t.equal((await app.inject(POST)).statusCode, 200)
  t.strictSame([response.reads(), body.reads()], compiled, 'later requests compile nothing')
  t.equal((await app.inject({ ...POST, payload: { tags: 'x' } })).statusCode, 422, 'the compiled validator refuses')
})

t.test('requests that arrive together at a cold route share one compilation', async t => {
  const one = counted(Item())
  const single = await appWith(t, one.schema, Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) }))
  await single.ready()
  const before = one.reads()
  t.equal((await single.inject(POST)).statusCode, 200)
  const perCompilation = one.reads() - before

  const many = counted(Item())
  const app = await appWith(t, many.schema, Type.Object({ name: Type.String(), tags: Type.Array(Type.String()) }))
  await app.ready()
  const start = many.reads()
  const answers = await Promise.all(Array.from({ length: 20 }, () => app.inject(POST)))
  t.strictSame(answers.map(a => a.statusCode), Array(20).fill(200))
  t.equal(many.reads() - start, perCompilation, 'twenty concurrent first requests: the reads of one compilation')
})

t.test('a route registered twice compiles once; a scope with dependencies compiles its own', async t => {
  const response = counted(Item())
  const plugin = route({ method: 'GET', url: '/items', response: response.schema, handler: function read_items () { return { id: 1, name: 'a', tags: [] } } })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(plugin, { prefix: '/a' })
  await app.register(plugin, { prefix: '/b' })
  await app.ready()
  const before = response.reads()
  t.equal((await app.inject('/a/items')).statusCode, 200)
  const after = response.reads()
  t.ok(after > before)
  t.equal((await app.inject('/b/items')).body, '{"id":1,"name":"a","tags":[]}')
  t.equal(response.reads(), after, 'the second registration uses the first one\'s compilation')
})

t.test('a schema only Ajv refuses answers 500 on each request until it compiles, and never at start-up', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  // An invalid regular expression, a keyword value of the wrong type: the cheap check cannot
  // know, Ajv refuses when compiling (schemas are not checked against the meta-schema).
  await app.register(route({ method: 'POST', url: '/x', body: Type.Object({ s: Type.Unsafe<string>({ type: 'string', pattern: '(' }) }), handler: () => 'ok' }))
  await app.register(route({ method: 'POST', url: '/y', body: Type.Object({ s: Type.Unsafe<string>({ type: 'string', minLength: '3' }) }), handler: () => 'ok' }))
  await app.register(route({ method: 'GET', url: '/z', query: Type.Object({ s: Type.Unsafe<string>({ enum: 'a' }) }), handler: () => 'ok' }))
  await app.ready()
  for (const [method, url] of [['POST', '/x'], ['POST', '/y'], ['GET', '/z?s=a']] as const) {
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method, url, ...(method === 'POST' ? { payload: { s: 'abcd' } } : {}) })
      t.equal(res.statusCode, 500, url)
      t.strictSame(res.json(), { detail: 'Internal Server Error' }, 'no internals leak')
    }
  }
})

t.test('the cheap check at declaration: what Ajv would refuse when compiling surfaces at route()', async t => {
  const declare = (schema: TSchema) => () => route({ method: 'POST', url: '/x', body: schema, handler: () => 'ok' })
  const cases: Array<[string, TSchema, RegExp]> = [
    ['an unknown type', Type.Object({ a: Type.Unsafe({ type: 'strin' }) }), /type "strin"/],
    ['an empty list of types', Type.Unsafe({ type: [] }), /type \[\]/],
    ['a type list with an unknown type', Type.Unsafe({ type: ['string', 'date'] }), /type \["string","date"\]/],
    ['a type that is a number', Type.Unsafe({ type: 3 }), /type 3/],
    ['required: true (draft 3)', Type.Unsafe({ type: 'object', properties: { a: { type: 'string' } }, required: true }), /required true/],
    ['required with a non-name', Type.Unsafe({ type: 'object', required: ['a', 1] }), /required \["a",1\]/],
  ]
  // A $ref that resolves nowhere may still name a schema the app adds (app.addSchema): it is
  // RC_ERR_ROUTE_SCHEMA_REF at registration (tests/behaviour/shared-schemas.test.ts).
  for (const schema of [Type.Object({ a: Type.Ref('Elsewhere') }), Type.Object({ a: Type.Unsafe({ $ref: 'Elsewhere#/properties/a' }) })]) {
    const plugin = route({ method: 'POST', url: '/x', body: schema, handler: () => 'ok' })
    const app = Fastify()
    t.teardown(() => app.close())
    app.register(plugin)
    await t.rejects(async () => { await app.ready() }, { code: 'RC_ERR_ROUTE_SCHEMA_REF', message: /POST \/x.*"Elsewhere/ })
  }
  for (const [label, schema, message] of cases) {
    t.throws(declare(schema), { name: 'RoutecraftError', code: 'RC_ERR_ROUTE_SCHEMA', message }, label)
  }
  const response = Type.Object({ id: Type.Integer() })
  t.throws(() => route({ method: 'GET', url: '/y', response: Type.Unsafe({ type: 'obj' }), handler: () => ({}) }), RoutecraftError, 'response models too')
  t.throws(() => route({ method: 'GET', url: '/y', response, responses: { 404: { schema: Type.Unsafe({ type: 'nope' }) } }, handler: () => ({ id: 1 }) }), { code: 'RC_ERR_ROUTE_SCHEMA' }, 'additional responses too')
  t.throws(() => route({ method: 'GET', url: '/y', query: Type.Object({ q: Type.Unsafe({ type: 'nope' }) }), handler: () => ({}) }), { code: 'RC_ERR_ROUTE_SCHEMA' }, 'request parts too')
})

t.test('the cheap check leaves valid schemas alone: property names type and required, refs inside the tree', async t => {
  const Node = Type.Object({ name: Type.String() }, { $id: 'Node' })
  const schemas: TSchema[] = [
    Type.Object({ type: Type.String(), required: Type.Boolean() }),
    Type.Object({ properties: Type.Object({ type: Type.Object({ required: Type.Array(Type.String()) }) }) }),
    Type.Unsafe({ type: ['string', 'null'] }),
    Type.Object({ a: Node, b: Type.Ref('Node') }),
    Type.Recursive(This => Type.Object({ children: Type.Array(This) })),
    Type.Object({ a: Type.Unsafe({ $ref: '#/definitions/x' }) }),
  ]
  for (const schema of schemas) {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(route({ method: 'POST', url: '/x', body: schema, handler: () => 'ok' }))
    await app.ready()
  }
  t.pass('all declared and ready')
})

t.test('the document: ids checked at ready(), built once on its first request', async t => {
  const convert = SchemaComponents.prototype.convert
  let conversions = 0
  SchemaComponents.prototype.convert = function (this: SchemaComponents, schema: unknown) { conversions++; return convert.call(this, schema) }
  t.teardown(() => { SchemaComponents.prototype.convert = convert })
  let idCalls = 0
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ operationIds: ({ name }) => { idCalls++; return name } }))
  for (let i = 0; i < 5; i++) {
    await app.register(route({ method: 'GET', url: `/items${i}/{id}`, params: Type.Object({ id: Type.Integer() }), response: Item(), handler: { [`read_${i}`]: () => ({ id: 1, name: 'a', tags: [] }) }[`read_${i}`] as () => unknown }))
  }
  await app.ready()
  t.equal(conversions, 0, 'ready() converts no schema (none has an $id)')
  t.equal(idCalls, 5, 'ready() computes every operationId once')
  const doc = await app.inject('/openapi.json')
  t.equal(doc.statusCode, 200)
  t.equal(Object.keys(doc.json().paths).length, 5)
  const built = conversions
  t.ok(built > 0, 'the first request builds the document')
  t.equal(idCalls, 5, 'with the ids computed at ready()')
  t.equal((await app.inject('/openapi.json')).body, doc.body)
  t.equal((await app.inject('/docs/json')).statusCode, 200)
  t.equal(conversions, built, 'built once: the document and the docs share it')
})

t.test('ready() still refuses two different schemas with one $id, without building the document', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  const A = Type.Object({ a: Type.String() }, { $id: 'Thing' })
  await app.register(route({ method: 'GET', url: '/a', response: A, handler: function read_a () { return { a: 'a' } } }))
  await app.register(route({ method: 'GET', url: '/same', response: A, responses: { 404: { content: { 'application/json': { schema: A } } } }, handler: function read_same () { return { a: 'a' } } }))
  await app.register(route({ method: 'GET', url: '/copy', response: Type.Object({ a: Type.String() }, { $id: 'Thing' }), handler: function read_copy () { return { a: 'a' } } }))
  await app.register(route({
    method: 'GET', url: '/b', response: Type.Object({ x: Type.Object({ b: Type.String() }, { $id: 'Thing' }) }),
    responses: { 200: { headers: { 'x-a': { schema: Type.String() } } } },
    openapiExtra: { requestBody: { content: { 'application/x-yaml': { schema: Type.Object({ c: Type.String() }) } } } },
    handler: function read_b () { return { x: { b: 'b' } } },
  }))
  await t.rejects(async () => { await app.ready() }, { code: 'RC_ERR_OPENAPI_SCHEMA_ID', message: /\$id "Thing"/ })
})

t.test('ready() refuses a clash inside openapiExtra, and ignores routes left out of the document', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi())
  await app.register(route({ method: 'GET', url: '/a', response: Type.Object({ a: Type.String() }, { $id: 'Thing' }), handler: function read_a () { return { a: 'a' } } }))
  await app.register(route({ method: 'GET', url: '/hidden', includeInSchema: false, response: Type.Object({ h: Type.String() }, { $id: 'Thing' }), handler: function read_hidden () { return { h: 'h' } } }))
  await app.ready()
  t.pass('a hidden route\'s schema is not in the document')

  const extra = Fastify()
  t.teardown(() => extra.close())
  await extra.register(openapi())
  await extra.register(route({ method: 'GET', url: '/a', response: Type.Object({ a: Type.String() }, { $id: 'Thing' }), handler: function read_a () { return { a: 'a' } } }))
  await extra.register(route({
    method: 'POST', url: '/y', rawBody: true,
    openapiExtra: { requestBody: { content: { 'application/x-yaml': { schema: Type.Object({ y: Type.String() }, { $id: 'Thing' }) } } }, 'x-plain': { $id: 'Thing', note: 'not a schema' } },
    handler: function upload () { return 'ok' },
  }))
  await t.rejects(async () => { await extra.ready() }, { code: 'RC_ERR_OPENAPI_SCHEMA_ID' })
})

t.test('after the first request the route runs the compiled handler itself: nothing in between', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  const handlers: string[] = []
  app.addHook('preHandler', async request => { handlers.push(request.routeOptions.handler.name) })
  await app.register(route({ method: 'GET', url: '/items', response: Type.Object({ id: Type.Integer() }), handler: function read_items () { return { id: 1 } } }))
  for (let i = 0; i < 3; i++) t.equal((await app.inject('/items')).body, '{"id":1}')
  t.equal((await app.inject({ method: 'HEAD', url: '/items' })).statusCode, 200)
  t.equal((await app.inject({ method: 'HEAD', url: '/items' })).statusCode, 200)
  t.strictSame(handlers, ['bound routecraftFirstUse', 'routecraftHandler', 'routecraftHandler', 'bound routecraftFirstUse', 'routecraftHandler'], 'GET and its HEAD route each replace theirs on first use')
})

t.test('a handler an onRoute hook wrapped keeps its wrapper after the first request', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  let wrapped = 0
  app.addHook('onRoute', options => {
    const inner = options.handler
    options.handler = function traced (this: unknown, request, reply) { wrapped++; return inner.call(this as never, request, reply) }
  })
  await app.register(route({ method: 'GET', url: '/items', response: Type.Object({ id: Type.Integer() }), handler: function read_items () { return { id: 1, secret: 'x' } } }))
  for (let i = 0; i < 3; i++) t.equal((await app.inject('/items')).body, '{"id":1}')
  t.equal(wrapped, 3)
})
