// routecraft/testing: signed requests for receivers under test, and fresh secrets.
import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { HttpError, memoryReplayStore, route, RoutecraftError, verifyWebhook, webhook, WebhookVerificationError } from '../../src/index.js'
import { signingKeys } from '../../src/webhooks/sign.js'
import { generateWebhookSecret, signedWebhookRequest, testClient, unchecked } from '../../src/testing/index.js'

const Subscription = Type.Object({ username: Type.String(), monthly_fee: Type.Number() })
const subscribed = webhook({ name: 'subscribed', body: Subscription })
const rick = { username: 'rick', monthly_fee: 9.99 }

/** Why verifyWebhook refused (it must refuse). */
async function reasonOf (verifying: Promise<unknown>): Promise<string> {
  const err = await verifying.then(() => undefined, (e: unknown) => e)
  return err instanceof WebhookVerificationError ? err.reason : `not refused: ${String(err)}`
}

t.test('generateWebhookSecret: whsec_ and the base64 of 32 fresh random bytes', async t => {
  const secrets = new Set<string>()
  for (let i = 0; i < 50; i++) {
    const secret = generateWebhookSecret()
    t.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
    t.equal(Buffer.from(secret.slice(6), 'base64').length, 32)
    t.equal(signingKeys(secret)[0]?.length, 32, 'accepted as a signing key')
    secrets.add(secret)
  }
  t.equal(secrets.size, 50, 'never the same twice')
})

t.test('signedWebhookRequest: what verifyWebhook accepts', async t => {
  const secret = generateWebhookSecret()
  const signed = signedWebhookRequest(subscribed, { ...rick, extra: 1 } as typeof rick, secret)
  t.equal(signed.body, '{"username":"rick","monthly_fee":9.99}', 'serialized by the schema, undeclared fields removed')
  t.match(signed.headers, { 'content-type': 'application/json', 'webhook-id': /^msg_/, 'webhook-timestamp': /^\d+$/, 'webhook-signature': /^v1,/ })
  t.same(await verifyWebhook(subscribed, signed.body, signed.headers, secret), rick)
  t.equal(await reasonOf(verifyWebhook(subscribed, signed.body, signed.headers, generateWebhookSecret())), 'bad-signature')

  const fixed = signedWebhookRequest(subscribed, rick, secret, { id: 'msg_fixed', timestamp: 1_700_000_000 })
  t.equal(fixed.headers['webhook-id'], 'msg_fixed')
  t.equal(fixed.headers['webhook-timestamp'], '1700000000')
  t.equal(await reasonOf(verifyWebhook(subscribed, fixed.body, fixed.headers, secret)), 'stale-timestamp')
  t.same(await verifyWebhook(subscribed, fixed.body, fixed.headers, secret, { now: () => 1_700_000_000_000 }), rick)

  const dated = signedWebhookRequest(subscribed, rick, secret, { timestamp: new Date(1_700_000_000_999) })
  t.equal(dated.headers['webhook-timestamp'], '1700000000')

  const rotation = signedWebhookRequest(subscribed, rick, [generateWebhookSecret(), secret])
  t.equal(rotation.headers['webhook-signature']?.split(' ').length, 2, 'one signature per secret during a rotation')
  t.same(await verifyWebhook(subscribed, rotation.body, rotation.headers, secret), rick)
})

t.test('wrong payloads: refused, or signed on purpose with unchecked()', async t => {
  const secret = generateWebhookSecret()
  t.throws(() => signedWebhookRequest(subscribed, { username: 7 } as never, secret), { code: 'RC_ERR_TESTING_INPUT', message: /monthly_fee/ })
  const wrong = signedWebhookRequest(subscribed, unchecked({ username: 7 }), secret)
  t.equal(wrong.body, '{"username":7}')
  t.equal(await reasonOf(verifyWebhook(subscribed, wrong.body, wrong.headers, secret)), 'invalid-payload')
  t.throws(() => signedWebhookRequest(subscribed, rick, secret, { timestamp: -1 }), RoutecraftError)
  t.throws(() => signedWebhookRequest(subscribed, rick, secret, { timestamp: 1.5 }), { code: 'RC_ERR_TESTING_INPUT' })
  t.throws(() => signedWebhookRequest(subscribed, rick, secret, { timestamp: new Date(NaN) }), { code: 'RC_ERR_TESTING_INPUT' })
  t.throws(() => signedWebhookRequest(subscribed, rick, 'not a secret'), { code: 'RC_ERR_WEBHOOK_SECRET' })
  const untyped = webhook({ name: 'anything' })
  t.equal(signedWebhookRequest(untyped, 'text', secret).body, '"text"')
  t.equal(signedWebhookRequest(untyped, null, secret).body, 'null')
})

t.test('a rawBody receiver under test, through inject and through the client', async t => {
  const secret = generateWebhookSecret()
  const replayStore = memoryReplayStore()
  const received: Array<typeof rick> = []
  const receive = route({
    method: 'POST', url: '/hooks/subscribed', rawBody: true,
    handler: async function receive_subscribed ({ body, headers }) {
      try {
        received.push(await verifyWebhook(subscribed, body, headers, secret, { replayStore }))
        return { ok: true }
      } catch (err) {
        if (err instanceof WebhookVerificationError) throw new HttpError(err.reason === 'replay' ? 409 : 401, err.reason)
        throw err
      }
    },
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(receive)

  const signed = signedWebhookRequest(subscribed, rick, secret, { id: 'msg_once' })
  const viaInject = await app.inject({ method: 'POST', url: '/hooks/subscribed', headers: signed.headers, payload: signed.body })
  t.equal(viaInject.statusCode, 200)
  t.same(received, [rick])

  const client = testClient(app)
  const replayed = await client.request(receive, { headers: signed.headers, body: signed.body })
  t.equal(replayed.status, 409, 'the same webhook-id again is a replay')
  t.same(replayed.body, { detail: 'replay' })

  const fresh = await client.request(receive, { ...signedWebhookRequest(subscribed, { username: 'morty', monthly_fee: 1 }, secret), expect: 200 })
  t.same(fresh.body, { ok: true })
  const forged = signedWebhookRequest(subscribed, rick, generateWebhookSecret())
  t.equal((await client.request(receive, { headers: forged.headers, body: forged.body })).status, 401)
  const tampered = signedWebhookRequest(subscribed, rick, secret)
  t.equal((await client.request(receive, { headers: tampered.headers, body: tampered.body.replace('9.99', '0.01') })).status, 401)
  t.same(received.map(r => r.username), ['rick', 'morty'])
})
