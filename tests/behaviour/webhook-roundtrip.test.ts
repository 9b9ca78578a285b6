// One real round trip: webhook(...).send() → a routecraft receiver on 127.0.0.1 that verifies
// with verifyWebhook() on a rawBody route → the typed, validated payload.
import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import type { Static } from '@sinclair/typebox'
import { HttpError, route, verifyWebhook, WebhookVerificationError } from '../../src/index.js'
import { newSubscription, Subscription } from '../../playground/seed/webhooks.js'

type Teardown = { teardown: (fn: () => unknown) => void }
type Sub = Static<typeof Subscription>

const secret = 'whsec_' + Buffer.from('a'.repeat(32)).toString('base64')
const otherSecret = 'whsec_' + Buffer.from('b'.repeat(32)).toString('base64')

interface Receiver {
  url: string
  /** Verified payloads, in arrival order. */
  payloads: Sub[]
  /** Every request that reached the handler, with its raw body. */
  raw: Array<{ body: string; headers: Record<string, unknown> }>
}

/** A routecraft app receiving new-subscription on a local port, verifying with `receiverSecret`. */
async function receiver (t: Teardown, receiverSecret: string): Promise<Receiver> {
  const payloads: Sub[] = []
  const raw: Receiver['raw'] = []
  const app: FastifyInstance = Fastify()
  t.teardown(() => app.close())
  await app.register(route({
    method: 'POST',
    url: '/hooks/new-subscription',
    rawBody: true,
    handler: async function receive_new_subscription ({ body, headers }) {
      raw.push({ body: body.toString('utf8'), headers: { ...headers } })
      try {
        const payload = await verifyWebhook(newSubscription, body, headers, receiverSecret)
        payloads.push(payload)
        return { received: payload.username }
      } catch (err) {
        if (err instanceof WebhookVerificationError) {
          const status = err.reason === 'invalid-json' || err.reason === 'invalid-payload' ? 400 : 401
          throw new HttpError(status, err.reason)
        }
        throw err
      }
    },
  }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks/new-subscription`, payloads, raw }
}

const subscription: Sub = { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }

t.test('send → receiver: verified, typed, undeclared fields removed', async t => {
  const rx = await receiver(t, secret)
  const withExtra = { ...subscription, internal_note: 'do not leak', nested: { a: 1 } } as unknown as Sub
  const outcome = await newSubscription.send(rx.url, withExtra, { secret, allowPrivateNetwork: true })
  t.equal(outcome.ok, true, JSON.stringify(outcome))
  t.equal(outcome.status, 200)
  t.equal(outcome.attempts, 1)
  t.notOk('error' in outcome && outcome.error !== undefined, 'no error')
  t.match(outcome.webhookId, /^msg_/)
  t.type(outcome.durationMs, 'number')
  t.strictSame(JSON.parse(JSON.stringify(outcome)), outcome, 'the outcome is JSON-serialisable')

  t.equal(rx.payloads.length, 1)
  t.strictSame(rx.payloads[0], subscription, 'exactly the declared fields')
  t.equal(typeof rx.payloads[0]?.monthly_fee, 'number')
  t.equal(rx.raw.length, 1)
  t.notMatch(rx.raw[0]?.body, /internal_note|do not leak|nested/, 'the undeclared fields never went over the wire')
  t.equal(rx.raw[0]?.headers['webhook-id'], outcome.webhookId)
  t.match(rx.raw[0]?.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/)
  t.match(rx.raw[0]?.headers['webhook-timestamp'], /^\d+$/)
  t.match(rx.raw[0]?.headers['content-type'], /^application\/json/)
})

t.test('a date-time without a zone is valid on both sides (FastAPI accepts it)', async t => {
  const rx = await receiver(t, secret)
  const local = { ...subscription, start_date: '2024-01-01T12:00:00' }
  const outcome = await newSubscription.send(rx.url, local, { secret, allowPrivateNetwork: true })
  t.equal(outcome.ok, true, JSON.stringify(outcome))
  t.strictSame(rx.payloads, [local])
})

t.test('a payload failing the schema is not sent', async t => {
  const rx = await receiver(t, secret)
  const bad = { ...subscription, monthly_fee: 'x' } as unknown as Sub
  const outcome = await newSubscription.send(rx.url, bad, { secret, allowPrivateNetwork: true })
  t.equal(outcome.ok, false)
  t.equal(outcome.attempts, 0)
  t.equal(outcome.status, undefined, 'no HTTP answer')
  t.type(outcome.error, 'string')
  t.ok(outcome.error?.startsWith('invalid payload'), String(outcome.error))
  t.match(outcome.error, /monthly_fee/, 'names the field')
  t.equal(rx.raw.length, 0, 'the receiver saw nothing')
  t.equal(rx.payloads.length, 0)
})

t.test('a missing required field is not sent either', async t => {
  const rx = await receiver(t, secret)
  const { start_date: _omit, ...partial } = subscription
  const outcome = await newSubscription.send(rx.url, partial as unknown as Sub, { secret, allowPrivateNetwork: true })
  t.equal(outcome.ok, false)
  t.equal(outcome.attempts, 0)
  t.ok(outcome.error?.startsWith('invalid payload'), String(outcome.error))
  t.equal(rx.raw.length, 0)
})

t.test('a wrong secret on the receiver side: 401 reported, no retry', async t => {
  const rx = await receiver(t, otherSecret)
  const outcome = await newSubscription.send(rx.url, subscription, {
    secret, allowPrivateNetwork: true, retry: { attempts: 3, minDelayMs: 10, maxDelayMs: 20 },
  })
  t.equal(outcome.ok, false)
  t.equal(outcome.status, 401)
  t.equal(outcome.attempts, 1, 'a 4xx is not retried')
  t.equal(outcome.error, undefined, 'an HTTP answer came: no error string')
  t.equal(rx.raw.length, 1, 'one request reached the receiver')
  t.equal(rx.payloads.length, 0, 'nothing was accepted')
})

t.test('a rotation: the sender signs with both secrets, a receiver knowing either accepts', async t => {
  const rx = await receiver(t, otherSecret)
  const outcome = await newSubscription.send(rx.url, subscription, { secret: [secret, otherSecret], allowPrivateNetwork: true })
  t.equal(outcome.ok, true, JSON.stringify(outcome))
  t.strictSame(rx.payloads, [subscription])
})

t.test('without allowPrivateNetwork a loopback receiver is refused before any request', async t => {
  const rx = await receiver(t, secret)
  const outcome = await newSubscription.send(rx.url, subscription, { secret })
  t.equal(outcome.ok, false)
  t.equal(outcome.attempts, 0)
  t.ok(outcome.error?.startsWith('refused target'), String(outcome.error))
  t.equal(rx.raw.length, 0)
})
