// The showcase sends item-created fire-and-forget when an item is created: observed with a
// captured webhook (nothing delivered, no receiver to run), retried and refused as a test says.
import t from 'tap'
import { build, itemCreated } from '../../playground/app.js'
import { verifyWebhook } from '../../src/index.js'
import { captureWebhooks, generateWebhookSecret } from '../../src/testing/index.js'

const secret = generateWebhookSecret()
const target = { url: 'https://crm.example.com/hooks/item-created', secret }

t.test('creating an item sends item-created, signed, with the item as the model has it', async t => {
  const app = await build({ itemCreatedTarget: target })
  const outbox = captureWebhooks(itemCreated, { outcome: [503, 200] })
  t.teardown(async () => { outbox.close(); await app.close() })
  const res = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Meeseeks Box', price: 19.99 } })
  t.equal(res.statusCode, 201)
  const sent = await outbox.next()
  t.equal(sent.url, target.url)
  t.same(sent.payload, { id: res.json().id, name: 'Meeseeks Box', price: 19.99, tags: [] }, 'internal_cost never leaves')
  t.same(await verifyWebhook(itemCreated, sent.body, sent.headers, secret), sent.payload)
  t.match(sent.outcome, { ok: true, status: 200, attempts: 2 }, 'the 503 was retried')
})

t.test('a receiver that refuses does not change the answer', async t => {
  const app = await build({ itemCreatedTarget: target })
  const outbox = captureWebhooks(itemCreated, { outcome: 'refused' })
  t.teardown(async () => { outbox.close(); await app.close() })
  const res = await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Plumbus', price: 6 } })
  t.equal(res.statusCode, 201)
  t.match((await outbox.next()).outcome, { ok: false, attempts: 3, error: 'network error: ECONNREFUSED' })
})

t.test('without a target nothing is sent', async t => {
  const app = await build()
  const outbox = captureWebhooks(itemCreated)
  t.teardown(async () => { outbox.close(); await app.close() })
  t.equal((await app.inject({ method: 'POST', url: '/items/', payload: { name: 'Plumbus', price: 6 } })).statusCode, 201)
  await t.rejects(outbox.next({ timeoutMs: 300 }), /no webhook sent/)
  t.equal(outbox.sent.length, 0)
})
