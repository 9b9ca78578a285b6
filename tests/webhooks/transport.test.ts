// The delivery transport seam: an attempt made by a function instead of an HTTP request (test
// doubles, other HTTP clients). The request it receives is exactly what would be sent.
import t from 'tap'
import { deliver, prepareDelivery, sendWebhook } from '../../src/webhooks/index.js'
import type { WebhookRequest } from '../../src/webhooks/index.js'
import { verifyWebhook } from '../../src/webhooks/verify.js'
import { noSleep, SECRET, subscription, subscriptionCodec, subscriptionHook } from '../support/webhooks.js'

t.test('each attempt goes to the transport, signed, with the same webhook-id', async t => {
  const seen: WebhookRequest[] = []
  const answers = [503, 200]
  const outcome = await sendWebhook(subscriptionCodec, 'https://hooks.example.com/in', subscription, {
    secret: SECRET, sleep: noSleep, resolve: async () => [{ address: '93.184.216.34', family: 4 }],
    headers: { 'x-tenant': 'acme' },
    transport: async request => { seen.push(request); return { status: answers[seen.length - 1] as number } },
  })
  t.match(outcome, { ok: true, status: 200, attempts: 2 })
  t.equal(seen.length, 2)
  const [first] = seen as [WebhookRequest]
  t.equal(first.url.href, 'https://hooks.example.com/in')
  t.equal(first.method, 'POST')
  t.match(first.headers, { 'user-agent': 'routecraft-webhooks', 'x-tenant': 'acme', 'content-type': 'application/json', 'content-length': String(first.body.length), 'webhook-id': outcome.webhookId })
  t.same(await verifyWebhook(subscriptionHook, first.body, first.headers, SECRET), subscription)
  t.equal(seen[1]?.headers['webhook-id'], outcome.webhookId)
})

t.test('Retry-After from the transport is honoured; a rejection is a network error', async t => {
  const prepared = await prepareDelivery(subscriptionCodec, 'http://127.0.0.1:1/in', subscription, { allowPrivateNetwork: true })
  if (!prepared.ok) throw new Error('prepare failed')
  const waits: number[] = []
  let n = 0
  const outcome = await deliver(prepared.job, {
    secret: SECRET, allowPrivateNetwork: true, retry: { attempts: 4, maxDelayMs: 5000 },
    sleep: async ms => { waits.push(ms) },
    transport: async () => {
      n++
      if (n === 1) return { status: 429, headers: { 'retry-after': '2' } }
      if (n === 2) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' })
      throw new Error('no code at all')
    },
  })
  t.match(outcome, { ok: false, attempts: 4, error: 'network error: no code at all' })
  t.equal(waits[0], 2000)
  t.equal(waits.length, 3)
})
