// Type tests of routecraft/testing: checked by `npx tsc -p tsconfig.json --noEmit`, never run.
// Each `// @ts-expect-error` must be an error today (tsc fails on an unused one).
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { route, webhook } from '../../src/index.js'
import type { RoutePlugin } from '../../src/index.js'
import { captureWebhooks, signedWebhookRequest, testClient, unchecked } from '../../src/testing/index.js'
import type { ErrorBody, ValidationErrorBody } from '../../src/testing/index.js'

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false
function expectType<T extends true> (_proof?: T): void {}

const Item = Type.Object({ id: Type.String(), name: Type.String(), price: Type.Number(), tax: Type.Optional(Type.Number()) })
const Problem = Type.Object({ detail: Type.String(), item_id: Type.String() })

const readItem = route({
  method: 'GET',
  url: '/items/{item_id}',
  params: Type.Object({ item_id: Type.String() }),
  query: Type.Object({ verbose: Type.Optional(Type.Boolean()) }),
  headers: Type.Object({ 'x-tenant': Type.String() }),
  response: Item,
  responses: { 404: { description: 'Missing', schema: Problem }, 200: { description: 'The item' } },
  handler: () => ({ id: 'a', name: 'A', price: 1 }),
})

const createItem = route({
  method: 'POST',
  url: '/items/',
  body: Type.Object({ name: Type.String(), price: Type.Number() }),
  query: Type.Object({ dry_run: Type.Boolean() }),
  response: Item,
  status: 201,
  handler: ({ body }) => ({ id: 'new', ...body }),
})

const health = route({ method: 'GET', url: '/health', handler: () => ({ ok: true }) })
const upload = route({ method: 'POST', url: '/upload', rawBody: true, handler: ({ body }) => body.length })
const Subscription = Type.Object({ username: Type.String(), monthly_fee: Type.Number() })
const subscribed = webhook({ name: 'subscribed', body: Subscription })

export async function typeTests (app: FastifyInstance): Promise<void> {
  const client = testClient(app)

  // ---------------------------------------------------------------------------------------------
  // Inputs
  // ---------------------------------------------------------------------------------------------
  await client.request(readItem, { params: { item_id: 'a' }, headers: { 'x-tenant': 'acme', authorization: 'Basic eA==' } })
  // @ts-expect-error the path parameter is a string
  await client.request(readItem, { params: { item_id: 1 }, headers: { 'x-tenant': 'acme' } })
  // @ts-expect-error an undeclared path parameter
  await client.request(readItem, { params: { item_id: 'a', other: 'b' }, headers: { 'x-tenant': 'acme' } })
  // @ts-expect-error the path parameters are required
  await client.request(readItem, { headers: { 'x-tenant': 'acme' } })
  // @ts-expect-error a declared header is required
  await client.request(readItem, { params: { item_id: 'a' } })
  // @ts-expect-error a declared query parameter has its type
  await client.request(readItem, { params: { item_id: 'a' }, headers: { 'x-tenant': 'acme' }, query: { verbose: 'yes' } })
  // @ts-expect-error the route takes no body
  await client.request(readItem, { params: { item_id: 'a' }, headers: { 'x-tenant': 'acme' }, body: {} })

  await client.request(createItem, { body: { name: 'A', price: 1 }, query: { dry_run: false } })
  // @ts-expect-error body.price is a number
  await client.request(createItem, { body: { name: 'A', price: '1' }, query: { dry_run: false } })
  // @ts-expect-error body.price is required
  await client.request(createItem, { body: { name: 'A' }, query: { dry_run: false } })
  // @ts-expect-error an undeclared body field
  await client.request(createItem, { body: { name: 'A', price: 1, colour: 'red' }, query: { dry_run: false } })
  // @ts-expect-error the body is required
  await client.request(createItem, { query: { dry_run: false } })
  // @ts-expect-error a required query parameter
  await client.request(createItem, { body: { name: 'A', price: 1 } })
  // @ts-expect-error the input is required when a part is
  await client.request(createItem)
  // @ts-expect-error a method is a method
  await client.request(createItem, { body: { name: 'A', price: 1 }, query: { dry_run: false }, method: 'FETCH' })

  await client.request(health)
  await client.request(health, { query: { anything: ['a', 'b'] } })
  await client.request(upload, { body: 'raw: yaml', headers: { 'content-type': 'application/x-yaml' } })
  await client.request(upload, { body: new Uint8Array([1]) })
  // @ts-expect-error a raw body is text or bytes
  await client.request(upload, { body: { a: 1 } })

  // The escape: anything goes, on purpose.
  await client.request(createItem, unchecked({ body: { name: 7 }, payload: '{', method: 'DELETE', query: { dry_run: 'maybe' } }))
  // @ts-expect-error unchecked inputs still have the input's shape
  await client.request(createItem, unchecked({ bdy: {} }))

  // ---------------------------------------------------------------------------------------------
  // Responses
  // ---------------------------------------------------------------------------------------------
  const res = await client.request(readItem, { params: { item_id: 'a' }, headers: { 'x-tenant': 'acme' } })
  expectType<Equal<typeof res.status, number extends typeof res.status ? never : typeof res.status>>(true)
  if (res.status === 200) {
    const name: string = res.body.name
    expectType<Equal<typeof res.body.tax, number | undefined>>(true)
    // @ts-expect-error a field the response model lacks
    void res.body.internal_cost
    void name
  }
  if (res.status === 404) {
    const itemId: string = res.body.item_id
    void itemId
    // @ts-expect-error the 404 model has no name
    void res.body.name
  }
  if (res.status === 422) expectType<Equal<typeof res.body, ValidationErrorBody>>(true)
  if (res.status === 401) expectType<Equal<typeof res.body, ErrorBody>>(true)
  if (res.status === 201) expectType<Equal<typeof res.body.id, string>>(true)
  if (res.status === 204) expectType<Equal<typeof res.body, undefined>>(true)
  if (res.status === 302) expectType<Equal<typeof res.body, unknown>>(true)
  // @ts-expect-error without narrowing, the body could be any status's
  void res.body.name
  // @ts-expect-error a status that cannot be
  if (res.status === 600) void res

  const created = await client.request(createItem, { body: { name: 'A', price: 1 }, query: { dry_run: true }, expect: 201 })
  expectType<Equal<typeof created.status, 201>>(true)
  const price: number = created.body.price
  void price
  // @ts-expect-error a field the response model lacks
  void created.body.colour
  const invalid = await client.request(createItem, { body: { name: 'A', price: 1 }, query: { dry_run: true }, expect: 422 })
  const loc: Array<string | number> | undefined = invalid.body.detail[0]?.loc
  void loc
  // @ts-expect-error expect takes a status code
  await client.request(createItem, { body: { name: 'A', price: 1 }, query: { dry_run: true }, expect: 1000 })

  const ok = await client.request(health, { expect: 200 })
  expectType<Equal<typeof ok.body, unknown>>(true)

  // A plain RoutePlugin (its types forgotten) still works, loosely.
  const loose: RoutePlugin = readItem
  const looseRes = await client.request(loose, { params: { anything: 1 } })
  if (looseRes.status === 200) expectType<Equal<typeof looseRes.body, unknown>>(true)

  // ---------------------------------------------------------------------------------------------
  // Webhooks
  // ---------------------------------------------------------------------------------------------
  const outbox = captureWebhooks(subscribed)
  const message = await outbox.next()
  const fee: number = message.payload.monthly_fee
  void fee
  // @ts-expect-error the payload model has no email
  void message.payload.email
  outbox.respondWith(({ payload }) => payload.monthly_fee > 10 ? [503, 200] : 'delivered')
  // @ts-expect-error an outcome is a known word or a list of answers
  outbox.respondWith('maybe')
  // @ts-expect-error not a webhook
  captureWebhooks(readItem)
  const both = captureWebhooks([subscribed, webhook({ name: 'cancelled', body: Type.Object({ reason: Type.String() }) })])
  const either = (await both.next()).payload
  expectType<Equal<typeof either, { username: string; monthly_fee: number } | { reason: string }>>(true)

  signedWebhookRequest(subscribed, { username: 'rick', monthly_fee: 1 }, 'whsec_x')
  // @ts-expect-error the payload is typed by the webhook's body
  signedWebhookRequest(subscribed, { username: 'rick' }, 'whsec_x')
  signedWebhookRequest(subscribed, unchecked({ username: 'rick' }), 'whsec_x')
}
