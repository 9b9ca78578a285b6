// Seed page "OpenAPI Webhooks": the port serves /users/ and documents new-subscription.
import t from 'tap'
import { Validator } from '@seriousme/openapi-schema-validator'
import { build, newSubscription, readUsers } from '../../playground/seed/webhooks.js'
import { verifyWebhook } from '../../src/index.js'
import { captureWebhooks, generateWebhookSecret, testClient } from '../../src/testing/index.js'

const DESCRIPTION = "When a new user subscribes to your service we'll send you a POST request with this\n" +
  'data to the URL that you register for the event `new-subscription` in the dashboard.'

async function fresh (t: { teardown: (fn: () => unknown) => void }): Promise<Awaited<ReturnType<typeof build>>> {
  const app = await build()
  t.teardown(() => app.close())
  await app.ready()
  return app
}

t.test('GET /users/ answers the list', async t => {
  const client = testClient(await fresh(t))
  const res = await client.request(readUsers, { expect: 200 })
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.text, '["Rick","Morty"]')
})

t.test('new-subscription, sent: the payload as declared, signed with the secret', async t => {
  const outbox = captureWebhooks(newSubscription)
  t.teardown(() => outbox.close())
  const secret = generateWebhookSecret()
  const outcome = await newSubscription.send('https://example.com/hooks', { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }, { secret })
  t.equal(outcome.ok, true)
  const sent = await outbox.next()
  t.equal(sent.body, '{"username":"rick","monthly_fee":9.99,"start_date":"2024-01-01T00:00:00Z"}')
  t.same(await verifyWebhook(newSubscription, sent.body, sent.headers, secret), sent.payload)
})

t.test('the webhook serves no route', async t => {
  const app = await fresh(t)
  for (const url of ['/new-subscription', 'new-subscription', '/webhooks/new-subscription']) {
    const res = await app.inject({ method: 'POST', url, payload: { username: 'rick', monthly_fee: 1, start_date: '2024-01-01T00:00:00Z' } })
    t.equal(res.statusCode, 404, url)
    t.strictSame(res.json(), { detail: 'Not Found' }, url)
  }
})

t.test('the document', async t => {
  const app = await fresh(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  t.equal(doc.openapi, '3.1.0')
  t.strictSame(Object.keys(doc.paths), ['/users/'], '/users/ is the only path')
  t.strictSame(doc.paths['/users/'].get, {
    summary: 'Read Users',
    operationId: 'read_users_users__get',
    responses: { 200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } } },
  })
  t.strictSame(Object.keys(doc.webhooks), ['new-subscription'])
  t.strictSame(Object.keys(doc.webhooks['new-subscription']), ['post'])
  t.strictSame(doc.webhooks['new-subscription'].post, {
    summary: 'New Subscription',
    description: DESCRIPTION,
    operationId: 'new_subscriptionnew_subscription_post',
    requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Subscription' } } }, required: true },
    responses: {
      200: { description: 'Successful Response', content: { 'application/json': { schema: {} } } },
      422: { description: 'Validation Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPValidationError' } } } },
    },
  })
  t.match(doc.components.schemas.Subscription, {
    type: 'object',
    properties: {
      username: { type: 'string' },
      monthly_fee: { type: 'number' },
      start_date: { type: 'string', format: 'date-time' },
    },
  })
  t.strictSame([...doc.components.schemas.Subscription.required].sort(), ['monthly_fee', 'start_date', 'username'])
  t.notOk('$id' in doc.components.schemas.Subscription, 'no TypeBox $id left in the component')
  t.ok(doc.components.schemas.HTTPValidationError, 'the 422 component is there')
  t.ok(doc.components.schemas.ValidationError)

  const result = await new Validator().validate(doc)
  t.equal(result.valid, true, `a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors)}`)
})

t.test('the validator used above does reject a broken document', async t => {
  const result = await new Validator().validate({ openapi: '3.1.0', info: { title: 'x' }, webhooks: { a: { post: { responses: 'no' } } } })
  t.equal(result.valid, false)
})
