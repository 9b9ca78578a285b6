/**
 * Shared and recursive schemas: `Type.Ref` to a schema added with `app.addSchema` or to any
 * schema with an `$id` routecraft has seen, and `Type.Recursive` models, for validation,
 * response filtering and the document; a reference that resolves nowhere is a
 * RoutecraftError naming the route and the `$ref`.
 */
import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { openapi, route, validate } from '../../src/index.js'

const Tag = Type.Object({ name: Type.String({ minLength: 1 }) }, { $id: 'SharedTag' })
const Node = Type.Recursive(This => Type.Object({ id: Type.String(), children: Type.Array(This) }), { $id: 'TreeNode' })

t.test('Type.Ref to a schema of app.addSchema: validation, filtering, the document', async t => {
  const Label = Type.Object({ text: Type.String() }, { $id: 'AppLabel' })
  const plugin = route({
    method: 'POST',
    url: '/labels',
    body: Type.Object({ labels: Type.Array(Type.Ref(Label)) }),
    response: Type.Object({ labels: Type.Array(Type.Ref(Label)) }),
    handler: function add_labels ({ body }) { return { labels: body.labels.map(l => ({ ...l, secret: 'x' })) } },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  app.addSchema(Label)
  await app.register(openapi({ docsPath: false }))
  await app.register(plugin)
  await app.ready()
  const ok = await app.inject({ method: 'POST', url: '/labels', payload: { labels: [{ text: 'a', extra: 1 }] } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '{"labels":[{"text":"a"}]}', 'the response model filters through the reference')
  const bad = await app.inject({ method: 'POST', url: '/labels', payload: { labels: [{ text: 1 }] } })
  t.equal(bad.statusCode, 422)
  t.strictSame(bad.json(), { detail: [{ type: 'string_type', loc: ['body', 'labels', 0, 'text'], msg: 'Input should be a valid string', input: 1 }] })
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.paths['/labels'].post.requestBody.content['application/json'].schema.properties.labels.items, { $ref: '#/components/schemas/AppLabel' })
  t.match(doc.components.schemas.AppLabel, { type: 'object', properties: { text: { type: 'string' } } })
})

t.test('Type.Ref to a schema with an $id routecraft has seen in a declaration', async t => {
  const tags = route({ method: 'GET', url: '/tags', response: Type.Array(Tag), handler: function list_tags () { return [{ name: 'x' }] } })
  const post = route({
    method: 'POST',
    url: '/posts',
    body: Type.Object({ title: Type.String(), tags: Type.Array(Type.Ref(Tag)) }),
    response: Type.Object({ title: Type.String(), tags: Type.Array(Type.Ref('SharedTag')) }),
    handler: function create_post ({ body }) { return { ...body, tags: body.tags.map(tag => ({ ...tag, internal: true })) } },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ docsPath: false }))
  await app.register(post)
  await app.register(tags)
  const ok = await app.inject({ method: 'POST', url: '/posts', payload: { title: 'T', tags: [{ name: 'a', color: 'red' }] } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '{"title":"T","tags":[{"name":"a"}]}')
  const bad = await app.inject({ method: 'POST', url: '/posts', payload: { title: 'T', tags: [{ name: '' }] } })
  t.equal(bad.statusCode, 422)
  t.match(bad.json(), { detail: [{ type: 'string_too_short', loc: ['body', 'tags', 0, 'name'] }] })
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.paths['/posts'].post.requestBody.content['application/json'].schema.properties.tags.items, { $ref: '#/components/schemas/SharedTag' })
  t.ok(doc.components.schemas.SharedTag)
})

t.test('Type.Recursive: a tree validates, filters at every depth and is one component', async t => {
  const plugin = route({
    method: 'POST',
    url: '/trees',
    body: Node,
    response: Node,
    handler: function plant ({ body }) { return { ...body, secret: 1, children: body.children.map(c => ({ ...c, secret: 2 })) } },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi({ docsPath: false }))
  await app.register(plugin)
  const tree = { id: 'a', children: [{ id: 'b', children: [{ id: 'c', children: [], extra: true }] }] }
  const ok = await app.inject({ method: 'POST', url: '/trees', payload: tree })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '{"id":"a","children":[{"id":"b","children":[{"id":"c","children":[]}]}]}')
  const bad = await app.inject({ method: 'POST', url: '/trees', payload: { id: 'a', children: [{ id: 'b', children: [{ id: 3, children: [] }] }] } })
  t.equal(bad.statusCode, 422)
  t.strictSame(bad.json(), { detail: [{ type: 'string_type', loc: ['body', 'children', 0, 'children', 0, 'id'], msg: 'Input should be a valid string', input: 3 }] })
  const doc = (await app.inject('/openapi.json')).json()
  t.strictSame(doc.paths['/trees'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/TreeNode' })
  t.strictSame(doc.components.schemas.TreeNode.properties.children, { type: 'array', items: { $ref: '#/components/schemas/TreeNode' } })
  t.strictSame(validate(Node, { id: 'x', children: [{ id: 'y', children: [], z: 1 }] }), { ok: true, value: { id: 'x', children: [{ id: 'y', children: [] }] } }, 'validate() too')
})

t.test('other schema mistakes still fail at declaration', async t => {
  const A = Type.Object({ a: Type.String() }, { $id: 'TwiceA' })
  const B = Type.Object({ b: Type.String() }, { $id: 'TwiceA' })
  t.throws(() => route({ method: 'POST', url: '/twice', body: Type.Object({ a: A, b: B, r: Type.Ref('SharedTag') }), handler: function twice () { return null } }), { code: 'RC_ERR_ROUTE_SCHEMA' })
})

t.test('a reference that resolves nowhere is RC_ERR_ROUTE_SCHEMA_REF, naming the route and the $ref', async t => {
  const plugin = route({ method: 'POST', url: '/orphans', body: Type.Object({ owner: Type.Ref('NoSuchSchema') }), handler: function adopt () { return null } })
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(plugin)
  await t.rejects(async () => { await app.ready() }, {
    name: 'RoutecraftError',
    code: 'RC_ERR_ROUTE_SCHEMA_REF',
    message: /POST \/orphans.*"NoSuchSchema"/,
  })
  // The same declaration works in an app that has the schema.
  const other = Fastify()
  t.teardown(() => other.close())
  other.addSchema({ $id: 'NoSuchSchema', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] })
  await other.register(plugin)
  t.equal((await other.inject({ method: 'POST', url: '/orphans', payload: { owner: { name: 'x' } } })).statusCode, 200)
  t.equal((await other.inject({ method: 'POST', url: '/orphans', payload: { owner: {} } })).statusCode, 422)
})
