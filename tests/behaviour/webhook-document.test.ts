// webhook(): the plugin side — what ends up in the OpenAPI 3.1 document's `webhooks`, and
// what is refused (at declaration or at ready()).
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { Validator } from '@seriousme/openapi-schema-validator'
import { openapi, route, RoutecraftError, webhook } from '../../src/index.js'
import type { OpenApiOptions } from '../../src/index.js'
import { build as buildSeed } from '../../playground/seed/webhooks.js'

type Teardown = { teardown: (fn: () => unknown) => void }
type Json = Record<string, any>

const Subscription = Type.Object({
  username: Type.String(),
  monthly_fee: Type.Number(),
  start_date: Type.String({ format: 'date-time' }),
}, { $id: 'Subscription' })

const SUCCESS = { description: 'Successful Response', content: { 'application/json': { schema: {} } } }
const VALIDATION = { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } }

async function newApp (t: Teardown, options?: OpenApiOptions): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(openapi(options))
  return app
}

async function documentOf (app: FastifyInstance): Promise<Json> {
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

async function assertValid (t: { equal: (...args: never[]) => unknown }, doc: Json): Promise<void> {
  const result = await new Validator().validate(doc)
  ;(t.equal as (a: unknown, b: unknown, m: string) => unknown)(result.valid, true, `a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors)}`)
}

t.test('the seed port: webhooks.new-subscription.post', async t => {
  const app = await buildSeed()
  t.teardown(() => app.close())
  const doc = await documentOf(app)
  const post = doc.webhooks['new-subscription'].post
  t.equal(post.summary, 'New Subscription')
  t.equal(post.operationId, 'new_subscriptionnew_subscription_post')
  t.equal(post.description, "When a new user subscribes to your service we'll send you a POST request with this\n" +
    'data to the URL that you register for the event `new-subscription` in the dashboard.')
  t.strictSame(post.requestBody, { content: { 'application/json': { schema: { $ref: '#/components/schemas/Subscription' } } }, required: true })
  t.strictSame(post.responses, { 200: SUCCESS, 422: VALIDATION })
  t.strictSame(Object.keys(doc.paths), ['/users/'])
  t.equal(doc.components.schemas.Subscription.properties.start_date.format, 'date-time')
  t.equal(doc.components.schemas.Subscription.properties.start_date.type, 'string')
  await assertValid(t, doc)
})

t.test('several methods document one operation each', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', method: ['POST', 'PUT'], body: Subscription }))
  const doc = await documentOf(app)
  t.strictSame(Object.keys(doc.webhooks['new-subscription']).sort(), ['post', 'put'])
  t.equal(doc.webhooks['new-subscription'].post.operationId, 'new_subscriptionnew_subscription_post')
  t.equal(doc.webhooks['new-subscription'].put.operationId, 'new_subscriptionnew_subscription_put')
  for (const m of ['post', 'put']) {
    t.equal(doc.webhooks['new-subscription'][m].summary, 'New Subscription')
    t.strictSame(doc.webhooks['new-subscription'][m].requestBody.content['application/json'].schema, { $ref: '#/components/schemas/Subscription' })
  }
  t.strictSame(doc.paths, {}, 'no paths')
  await assertValid(t, doc)
})

t.test('the default method is POST; methods in lower case are accepted', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'a', body: Subscription }))
  await app.register(webhook({ name: 'b', method: 'patch', body: Subscription }))
  const doc = await documentOf(app)
  t.strictSame(Object.keys(doc.webhooks.a), ['post'])
  t.strictSame(Object.keys(doc.webhooks.b), ['patch'])
  t.equal(doc.webhooks.b.patch.operationId, 'bb_patch')
})

t.test('includeInSchema: false hides it', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'secret-event', body: Subscription, includeInSchema: false }))
  await app.register(route({ method: 'GET', url: '/users/', handler: function read_users () { return [] } }))
  const doc = await documentOf(app)
  t.notOk('webhooks' in doc, 'no webhooks section at all')
  t.notOk(doc.components?.schemas?.Subscription, 'its body schema is not pulled in either')
  t.strictSame(Object.keys(doc.paths), ['/users/'])
})

t.test('metadata: summary, description cut at \\f, tags, deprecated, responses', async t => {
  const app = await newApp(t)
  await app.register(webhook({
    name: 'order.shipped',
    body: Subscription,
    summary: 'Order shipped',
    description: `
      Sent when an order leaves.

        Indented line kept relative.
      \f
      Internal: the dispatcher retries three times.`,
    tags: ['orders', 'webhooks'],
    deprecated: true,
    responses: { 204: { description: 'Acknowledged, no content' }, 410: { description: 'Unsubscribe: no more deliveries' } },
  }))
  const doc = await documentOf(app)
  const post = doc.webhooks['order.shipped'].post
  t.equal(post.summary, 'Order shipped')
  t.equal(post.description, 'Sent when an order leaves.\n\n  Indented line kept relative.', 'cleandoc, cut at \\f, stripped (as FastAPI)')
  t.notMatch(post.description, /Internal/)
  t.strictSame(post.tags, ['orders', 'webhooks'])
  t.equal(post.deprecated, true)
  t.equal(post.operationId, 'order_shippedorder_shipped_post')
  t.strictSame(post.responses, {
    200: SUCCESS,
    204: { description: 'Acknowledged, no content' },
    410: { description: 'Unsubscribe: no more deliveries' },
    422: VALIDATION,
  })
  await assertValid(t, doc)
})

t.test('openapiExtra is deep-merged into the operation', async t => {
  const app = await newApp(t)
  await app.register(webhook({
    name: 'new-subscription',
    body: Subscription,
    tags: ['a'],
    openapiExtra: {
      'x-event-version': 2,
      tags: ['b'],
      requestBody: { description: 'The subscription', content: { 'application/json': { examples: { rick: { value: { username: 'rick' } } } } } },
      responses: { 200: { description: 'Acknowledged' } },
    },
  }))
  const doc = await documentOf(app)
  const post = doc.webhooks['new-subscription'].post
  t.equal(post['x-event-version'], 2)
  t.strictSame(post.tags, ['a', 'b'], 'lists concatenate')
  t.strictSame(post.requestBody, {
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Subscription' }, examples: { rick: { value: { username: 'rick' } } } } },
    required: true,
    description: 'The subscription',
  }, 'objects recurse')
  t.strictSame(post.responses['200'], { description: 'Acknowledged', content: { 'application/json': { schema: {} } } })
  t.equal(post.operationId, 'new_subscriptionnew_subscription_post', 'untouched keys stay')
  await assertValid(t, doc)
})

t.test('nested schemas with their own $id become components too', async t => {
  const Plan = Type.Object({ name: Type.String(), seats: Type.Integer({ minimum: 1 }) }, { $id: 'Plan' })
  const Coupon = Type.Object({ code: Type.String() }, { $id: 'Coupon' })
  const WithPlan = Type.Object({ username: Type.String(), plan: Plan, coupons: Type.Array(Coupon) }, { $id: 'SubscriptionWithPlan' })
  const app = await newApp(t)
  await app.register(webhook({ name: 'plan-changed', body: WithPlan }))
  const doc = await documentOf(app)
  t.strictSame(doc.webhooks['plan-changed'].post.requestBody.content['application/json'].schema, { $ref: '#/components/schemas/SubscriptionWithPlan' })
  const component = doc.components.schemas.SubscriptionWithPlan
  t.strictSame(component.properties.plan, { $ref: '#/components/schemas/Plan' })
  t.strictSame(component.properties.coupons, { type: 'array', items: { $ref: '#/components/schemas/Coupon' } })
  t.match(doc.components.schemas.Plan, { type: 'object', properties: { name: { type: 'string' }, seats: { type: 'integer', minimum: 1 } } })
  t.match(doc.components.schemas.Coupon, { type: 'object', properties: { code: { type: 'string' } } })
  t.notMatch(JSON.stringify(doc), /"\$id"/, 'no $id left anywhere')
  await assertValid(t, doc)
})

t.test('one $id schema used twice in a body (billing and shipping address)', {
}, async t => {
  const Address = Type.Object({ street: Type.String() }, { $id: 'Address' })
  const Order = Type.Object({ billing: Address, shipping: Address }, { $id: 'OrderPlaced' })
  const app = await newApp(t)
  await app.register(webhook({ name: 'order-placed', body: Order }))
  const doc = await documentOf(app)
  t.strictSame(doc.components.schemas.OrderPlaced.properties, {
    billing: { $ref: '#/components/schemas/Address' },
    shipping: { $ref: '#/components/schemas/Address' },
  })
  const ok = webhook({ name: 'order-placed', body: Order }).codec.validate({ billing: { street: 'a' }, shipping: { street: 'b' } })
  t.equal(ok.ok, true)
})

t.test('a webhook without a body: no requestBody, no 422', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'ping' }))
  const doc = await documentOf(app)
  const post = doc.webhooks.ping.post
  t.notOk('requestBody' in post)
  t.strictSame(post.responses, { 200: SUCCESS })
  t.equal(post.summary, 'Ping')
  await assertValid(t, doc)
})

t.test('a document with only webhooks (no routes) is valid 3.1', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', body: Subscription }))
  const doc = await documentOf(app)
  t.equal(doc.openapi, '3.1.0')
  t.strictSame(doc.paths, {})
  t.ok(doc.webhooks['new-subscription'].post)
  await assertValid(t, doc)
  const docs = await app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200, 'the docs UI is served')
})

t.test('registered before openapi(), under a prefix, or in a nested plugin: still documented, by event name', async t => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(webhook({ name: 'early', body: Subscription }))
  await app.register(openapi())
  await app.register(webhook({ name: 'prefixed', body: Subscription }), { prefix: '/v1' })
  await app.register(async scope => { await scope.register(webhook({ name: 'nested' })) })
  const doc = await documentOf(app)
  t.strictSame(Object.keys(doc.webhooks).sort(), ['early', 'nested', 'prefixed'])
  t.equal(doc.webhooks.prefixed.post.operationId, 'prefixedprefixed_post', 'the prefix is no part of an event')
})

t.test('webhooks serve nothing', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', method: ['POST', 'PUT'], body: Subscription }))
  await app.ready()
  for (const method of ['POST', 'PUT', 'GET'] as const) {
    const res = await app.inject({ method, url: '/new-subscription', payload: method === 'GET' ? undefined : {} })
    t.equal(res.statusCode, 404, method)
  }
})

t.test('operationId strategies apply to webhooks', async t => {
  const byName = await newApp(t, { operationIds: 'name' })
  await byName.register(webhook({ name: 'one', body: Subscription }))
  await byName.register(webhook({ name: 'two', method: ['POST', 'PUT'], body: Subscription }))
  const doc = await documentOf(byName)
  t.equal(doc.webhooks.one.post.operationId, 'one')
  t.equal(doc.webhooks.two.post.operationId, 'two_post')
  t.equal(doc.webhooks.two.put.operationId, 'two_put')

  const seen: unknown[] = []
  const custom = await newApp(t, { operationIds: op => { seen.push(op); return `${op.kind}-${op.name}-${op.method}` } })
  await custom.register(webhook({ name: 'three' }))
  await custom.register(webhook({ name: 'four', operationId: 'explicitFour' }))
  const doc2 = await documentOf(custom)
  t.equal(doc2.webhooks.three.post.operationId, 'webhook-three-post')
  t.equal(doc2.webhooks.four.post.operationId, 'explicitFour', 'an explicit operationId wins')
  t.strictSame(seen, [{ name: 'three', path: 'three', method: 'post', kind: 'webhook' }])
})

// ---------------------------------------------------------------------------------------------
// Refused at ready()
// ---------------------------------------------------------------------------------------------

t.test('two webhooks with the same name and method: ready() rejects', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', body: Subscription }))
  await app.register(webhook({ name: 'new-subscription', method: ['PUT', 'POST'], description: 'again' }))
  await t.rejects(async () => { await app.ready() }, { name: 'RoutecraftError', code: 'RC_ERR_OPENAPI_DUPLICATE_WEBHOOK' })
})

t.test('the same name with different methods is fine', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', method: 'POST', body: Subscription }))
  await app.register(webhook({ name: 'new-subscription', method: 'DELETE' }))
  const doc = await documentOf(app)
  t.strictSame(Object.keys(doc.webhooks['new-subscription']).sort(), ['delete', 'post'])
})

t.test('a duplicate hidden webhook is not a clash', async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', body: Subscription }))
  await app.register(webhook({ name: 'new-subscription', includeInSchema: false }))
  const doc = await documentOf(app)
  t.ok(doc.webhooks['new-subscription'].post.requestBody)
})

t.test("a webhook's operationId clashing with a route's: ready() rejects", async t => {
  const app = await newApp(t)
  await app.register(webhook({ name: 'new-subscription', body: Subscription }))
  await app.register(route({ method: 'GET', url: '/users/', operationId: 'new_subscriptionnew_subscription_post', handler: function read_users () { return [] } }))
  const err = await app.ready().then(() => undefined, (e: unknown) => e)
  t.type(err, RoutecraftError)
  t.equal((err as RoutecraftError).code, 'RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID')
  t.match((err as Error).message, /new_subscriptionnew_subscription_post/)
  t.match((err as Error).message, /\/users\//, 'names the route')
  t.match((err as Error).message, /new-subscription/, 'names the webhook')
})

t.test("an explicit webhook operationId clashing with a route's default: ready() rejects", async t => {
  const app = await newApp(t)
  await app.register(route({ method: 'GET', url: '/users/', handler: function read_users () { return [] } }))
  await app.register(webhook({ name: 'users', operationId: 'read_users_users__get' }))
  await t.rejects(async () => { await app.ready() }, { code: 'RC_ERR_OPENAPI_DUPLICATE_OPERATION_ID' })
})

// ---------------------------------------------------------------------------------------------
// Refused at declaration
// ---------------------------------------------------------------------------------------------

t.test('invalid names throw RC_ERR_WEBHOOK_NAME', async t => {
  const names: unknown[] = ['/path', '', 'has space', '/new-subscription', '-leading-dash', 'new/subscription', 'tab\there', 'new\nline', undefined, 42, null]
  for (const name of names) {
    const fn = (): unknown => webhook({ name } as never)
    t.throws(fn, RoutecraftError, JSON.stringify(name) ?? 'undefined')
    t.throws(fn, { code: 'RC_ERR_WEBHOOK_NAME' }, JSON.stringify(name) ?? 'undefined')
  }
  t.throws(() => webhook(null as never), { code: 'RC_ERR_WEBHOOK_NAME' }, 'no declaration')
  for (const name of ['new-subscription', 'order.shipped', 'invoice:paid', 'a', 'A1_b']) {
    t.doesNotThrow(() => webhook({ name }), name)
  }
})

t.test('other misuse is refused at declaration', async t => {
  t.throws(() => webhook({ name: 'x', url: '/x' } as never), { code: 'RC_ERR_WEBHOOK_OPTION' }, 'url is not a webhook option')
  t.throws(() => webhook({ name: 'x', handler: () => 1 } as never), { code: 'RC_ERR_WEBHOOK_OPTION' }, 'nor is handler')
  t.throws(() => webhook({ name: 'x', method: 'FETCH' as never }), { code: 'RC_ERR_WEBHOOK_METHOD' })
  t.throws(() => webhook({ name: 'x', body: { type: 'object' } as never }), { code: 'RC_ERR_WEBHOOK_SCHEMA' })
  t.throws(() => webhook({ name: 'x', openapiExtra: [] as never }), { code: 'RC_ERR_WEBHOOK_OPTION' })
})

t.test('the plugin carries the event name', async t => {
  const hook = webhook({ name: 'new-subscription', body: Subscription })
  t.equal(hook.event, 'new-subscription')
  t.equal(typeof hook.send, 'function')
})
