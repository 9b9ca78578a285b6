// service.test.ts: the whole service, through routecraft/testing only
import t, { type Test } from 'tap'
import { verifyWebhook } from '../../../src/index.js'
import { captureWebhooks, generateWebhookSecret, signedWebhookRequest, testClient, unchecked } from '../../../src/testing/index.js'
import { build, paymentReceived, subscriptionCreated, type ServiceOptions } from './service.js'

const options: ServiceOptions = {
  crm: { url: 'https://crm.example.com/hooks', secret: generateWebhookSecret() },
  paymentSecret: generateWebhookSecret(),
  admin: { username: 'stanleyjobson', password: 'swordfish' },
}
const basic = (username: string, password: string): string => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
const asAdmin = { authorization: basic('stanleyjobson', 'swordfish') }

/** A fresh service, its test client, and an outbox that captures what it sends. */
async function setup (t: Test) {
  const { app, routes } = await build(options)
  const outbox = captureWebhooks(subscriptionCreated)
  t.teardown(async () => { outbox.close(); await app.close() })
  return { client: testClient(app), routes, outbox }
}

t.test('an admin creates a subscription; the CRM is told, signed', async t => {
  const { client, routes, outbox } = await setup(t)
  const created = await client.request(routes.createSubscription, {
    headers: asAdmin, body: { username: 'rick', plan: 'pro' }, expect: 201,
  })
  t.same(created.body, { id: 'sub_1', username: 'rick', plan: 'pro', paid: false, notified: true })

  const sent = await outbox.next()
  t.equal(sent.url, options.crm.url)
  t.same(sent.payload, { id: 'sub_1', username: 'rick', plan: 'pro', paid: false, notified: false })
  // What the CRM receives verifies with the shared secret.
  t.same(await verifyWebhook(subscriptionCreated, sent.body, sent.headers, options.crm.secret), sent.payload)

  const read = await client.request(routes.readSubscription, { params: { id: 'sub_1' } })
  if (read.status !== 200) throw new Error(`expected 200, got ${read.status}`)
  t.equal(read.body.plan, 'pro')
})

t.test('the CRM is down: retried, then the subscription says it was not notified', async t => {
  const { client, routes, outbox } = await setup(t)
  outbox.respondWith([503, 200])
  const retried = await client.request(routes.createSubscription, { headers: asAdmin, body: { username: 'morty', plan: 'free' }, expect: 201 })
  t.equal(retried.body.notified, true)
  t.equal((await outbox.next()).attempts.length, 2)

  outbox.respondWith('refused')
  const lost = await client.request(routes.createSubscription, { headers: asAdmin, body: { username: 'summer', plan: 'free' }, expect: 201 })
  t.equal(lost.body.notified, false)
  t.match((await outbox.next()).outcome, { ok: false, error: 'network error: ECONNREFUSED' })
})

t.test('only the admin may create subscriptions', async t => {
  const { client, routes, outbox } = await setup(t)
  const anonymous = await client.request(routes.createSubscription, { body: { username: 'rick', plan: 'pro' } })
  t.equal(anonymous.status, 401)
  t.same(anonymous.body, { detail: 'Not authenticated' })
  t.equal(anonymous.headers['www-authenticate'], 'Basic')
  const wrong = await client.request(routes.createSubscription, {
    headers: { authorization: basic('stanleyjobson', 'password') }, body: { username: 'rick', plan: 'pro' },
  })
  t.equal(wrong.status, 401)
  t.same(wrong.body, { detail: 'Incorrect username or password' })
  t.equal(outbox.sent.length, 0, 'nothing was sent')
})

t.test('invalid input is a 422 in FastAPI\'s shape', async t => {
  const { client, routes } = await setup(t)
  const res = await client.request(routes.createSubscription, unchecked({ headers: asAdmin, body: { username: '', plan: 'gold' } }))
  if (res.status !== 422) throw new Error(`expected 422, got ${res.status}`)
  t.same(res.body.detail.map(issue => issue.loc), [['body', 'username'], ['body', 'plan']])
})

t.test('an unknown subscription is a 404', async t => {
  const { client, routes } = await setup(t)
  const res = await client.request(routes.readSubscription, { params: { id: 'sub_404' } })
  t.equal(res.status, 404)
  if (res.status === 404) t.equal(res.body.detail, 'Subscription not found')
})

t.test('payments arrive signed; forged, stale and replayed ones are refused', async t => {
  const { client, routes } = await setup(t)
  await client.request(routes.createSubscription, { headers: asAdmin, body: { username: 'rick', plan: 'pro' }, expect: 201 })

  const payment = signedWebhookRequest(paymentReceived, { subscription_id: 'sub_1', amount: 9.99 }, options.paymentSecret)
  const received = await client.request(routes.receivePayment, { headers: payment.headers, body: payment.body })
  t.same(received.body, { received: true })
  const read = await client.request(routes.readSubscription, { params: { id: 'sub_1' }, expect: 200 })
  t.equal(read.body.paid, true)

  const replayed = await client.request(routes.receivePayment, { headers: payment.headers, body: payment.body })
  t.equal(replayed.status, 409)
  const forged = signedWebhookRequest(paymentReceived, { subscription_id: 'sub_1', amount: 0 }, generateWebhookSecret())
  t.equal((await client.request(routes.receivePayment, { headers: forged.headers, body: forged.body })).status, 401)
  const stale = signedWebhookRequest(paymentReceived, { subscription_id: 'sub_1', amount: 9.99 }, options.paymentSecret, {
    timestamp: new Date(Date.now() - 3600_000),
  })
  t.same((await client.request(routes.receivePayment, { headers: stale.headers, body: stale.body })).body, { detail: 'stale-timestamp' })
})
