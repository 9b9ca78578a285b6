// routecraft/testing: captured webhooks. Every send() is signed and recorded as for real,
// answered as the test says, and nothing reaches the network.
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { RoutecraftError, verifyWebhook, webhook } from '../../src/index.js'
import { captureWebhooks, generateWebhookSecret } from '../../src/testing/index.js'
import { receiver } from '../support/webhooks.js'

const Subscription = Type.Object({ username: Type.String(), monthly_fee: Type.Number() })
const secret = generateWebhookSecret()
const rick = { username: 'rick', monthly_fee: 9.99 }

function hooks (): { subscribed: ReturnType<typeof makeSubscribed>; cancelled: ReturnType<typeof makeCancelled> } {
  return { subscribed: makeSubscribed(), cancelled: makeCancelled() }
}
function makeSubscribed () { return webhook({ name: 'subscribed', body: Subscription }) }
function makeCancelled () { return webhook({ name: 'cancelled', body: Type.Object({ username: Type.String() }) }) }

t.test('a captured send is validated, serialized and signed as for real; nothing is delivered', async t => {
  // A receiver that fails the test if anything reaches it.
  const guard = await receiver(() => { t.fail('a captured webhook reached the network'); return { status: 500 } })
  t.teardown(() => guard.close())
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed)
  t.teardown(() => outbox.close())

  const outcome = await subscribed.send(guard.url, { ...rick, extra: 'dropped' } as typeof rick, { secret, allowPrivateNetwork: true, headers: { 'X-Tenant': 'acme' } })
  t.match(outcome, { ok: true, status: 200, attempts: 1 })
  const message = await outbox.next()
  t.equal(message.event, 'subscribed')
  t.equal(message.url, guard.url)
  t.equal(message.method, 'POST')
  t.same(message.payload, rick, 'undeclared fields are not sent')
  t.equal(message.body, '{"username":"rick","monthly_fee":9.99}')
  t.equal(message.webhookId, outcome.webhookId)
  t.equal(message.headers['webhook-id'], outcome.webhookId)
  t.equal(message.headers['x-tenant'], 'acme')
  t.equal(message.headers['content-type'], 'application/json')
  t.equal(message.signature, message.headers['webhook-signature'])
  t.match(message.signature, /^v1,[A-Za-z0-9+/=]+$/)
  t.same(message.outcome, outcome)
  t.same(await verifyWebhook(subscribed, message.body, message.headers, secret), rick, 'the signature verifies with the sender\'s secret')
  t.equal(guard.requests.length, 0)

  // Public host names are not even looked up.
  const named = await subscribed.send('https://hooks.invalid/in', rick, { secret })
  t.equal(named.ok, true)
  t.equal((await outbox.next()).url, 'https://hooks.invalid/in')
  t.equal(outbox.sent.length, 2)
})

t.test('next() waits for a send that has not happened yet, in order', async t => {
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed)
  t.teardown(() => outbox.close())
  const first = outbox.next()
  const second = outbox.next()
  void subscribed.send('https://a.example/1', { username: 'a', monthly_fee: 1 }, { secret })
  void subscribed.send('https://a.example/2', { username: 'b', monthly_fee: 2 }, { secret })
  t.equal((await first).payload.username, 'a')
  t.equal((await second).payload.username, 'b')
})

t.test('outcomes: delivered, 503 then delivered, refused, per message', async t => {
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed, { outcome: [503, 200] })
  t.teardown(() => outbox.close())
  const retried = await subscribed.send('https://a.example/', rick, { secret })
  t.match(retried, { ok: true, status: 200, attempts: 2 })
  const message = await outbox.next()
  t.same(message.attempts.map(a => a.status), [503, 200])
  t.not(message.attempts[0]?.headers['webhook-signature'], undefined)
  t.equal(message.attempts[1]?.headers['webhook-id'], message.webhookId, 'the same id on every attempt')

  const once = await subscribed.send('https://a.example/', rick, { secret, retry: { attempts: 1 } })
  t.match(once, { ok: false, status: 503, attempts: 1 }, 'the send\'s own retry policy applies')

  outbox.respondWith('refused')
  const refused = await subscribed.send('https://a.example/', rick, { secret })
  t.match(refused, { ok: false, attempts: 3, error: 'network error: ECONNREFUSED' })
  t.same(outbox.sent.at(-1)?.attempts.map(a => a.error), Array(3).fill('network error: ECONNREFUSED'))

  outbox.respondWith(['ECONNRESET', 410])
  t.match(await subscribed.send('https://a.example/', rick, { secret }), { ok: false, status: 410, attempts: 2 })

  outbox.respondWith(({ payload, url }) => payload.username === 'morty' || url.endsWith('/gone') ? [410] : 'delivered')
  t.match(await subscribed.send('https://a.example/', { username: 'morty', monthly_fee: 1 }, { secret }), { ok: false, status: 410 })
  t.match(await subscribed.send('https://a.example/', rick, { secret }), { ok: true, status: 200 })
  t.match(await subscribed.send('https://a.example/gone', rick, { secret }), { ok: false, status: 410 })

  outbox.respondWith('delivered')
  t.match(await subscribed.send('https://a.example/', rick, { secret }), { ok: true, status: 200, attempts: 1 })
})

t.test('sends that end before any attempt are recorded with their outcome', async t => {
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed)
  t.teardown(() => outbox.close())
  const invalid = await subscribed.send('https://a.example/', { username: 7 } as never, { secret })
  t.match(invalid, { ok: false, attempts: 0, error: /^invalid payload: / })
  const message = await outbox.next()
  t.same(message.payload, { username: 7 }, 'as given')
  t.equal(message.body, '')
  t.same(message.headers, {})
  t.equal(message.signature, '')
  t.same(message.attempts, [])
  t.equal(message.method, 'POST')

  const refused = await subscribed.send('http://127.0.0.1/', rick, { secret })
  t.match(refused, { ok: false, attempts: 0, error: /^refused target: / }, 'the SSRF guard still refuses private addresses')
  const badSecret = await subscribed.send('https://a.example/', rick, { secret: 'not base64!', method: 'put' })
  t.match(badSecret, { ok: false, attempts: 0, error: /^invalid secret: / })
  t.equal(outbox.sent[2]?.method, 'PUT')
  const noOptions = await (subscribed.send as unknown as (url: string, payload: unknown) => Promise<{ error?: string }>)('https://a.example/', rick)
  t.match(noOptions, { error: /^invalid secret: / })
})

t.test('several hooks in one outbox', async t => {
  const { subscribed, cancelled } = hooks()
  const outbox = captureWebhooks([subscribed, cancelled])
  t.teardown(() => outbox.close())
  await cancelled.send('https://a.example/', { username: 'rick' }, { secret })
  await subscribed.send('https://a.example/', rick, { secret })
  t.same(outbox.sent.map(m => m.event), ['cancelled', 'subscribed'])
})

t.test('close() restores the real send(), and rejects a waiting next()', async t => {
  const target = await receiver(() => ({ status: 204 }))
  t.teardown(() => target.close())
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed)
  const waiting = outbox.next()
  outbox.close()
  outbox.close()
  await t.rejects(waiting, /closed while next\(\) waited/)
  await t.rejects(outbox.next(), /the outbox is closed/)
  const real = await subscribed.send(target.url, rick, { secret, allowPrivateNetwork: true })
  t.match(real, { ok: true, status: 204 })
  t.equal(target.requests.length, 1, 'delivered for real after close()')
  const again = captureWebhooks(subscribed)
  t.teardown(() => again.close())
  t.pass('a closed hook can be captured again')
})

t.test('next() gives up after its timeout', async t => {
  const { subscribed } = hooks()
  const outbox = captureWebhooks(subscribed, { timeoutMs: 20 })
  t.teardown(() => outbox.close())
  await t.rejects(outbox.next(), /no webhook sent within 20 ms \(0 sent so far, 0 taken by next\(\)\)/)
  await t.rejects(outbox.next({ timeoutMs: 10 }), /within 10 ms/)
  await subscribed.send('https://a.example/', rick, { secret })
  t.equal((await outbox.next()).payload.username, 'rick', 'a timed-out next() takes nothing')
})

t.test('mistakes are RC_ERR_TESTING_CAPTURE', async t => {
  const { subscribed, cancelled } = hooks()
  const code = (fn: () => unknown): void => {
    try {
      fn()
      t.fail('should have thrown')
    } catch (err) {
      t.ok(err instanceof RoutecraftError && err.code === 'RC_ERR_TESTING_CAPTURE', String(err))
    }
  }
  code(() => captureWebhooks({} as never))
  code(() => captureWebhooks(null as never))
  code(() => captureWebhooks([]))
  code(() => captureWebhooks([subscribed, subscribed]))
  code(() => captureWebhooks(subscribed, { outcome: [] as never }))
  code(() => captureWebhooks(subscribed, { outcome: [99] as never }))
  code(() => captureWebhooks(subscribed, { outcome: ['nope'] as never }))
  code(() => captureWebhooks(subscribed, { outcome: 'sometimes' as never }))
  const outbox = captureWebhooks(subscribed)
  t.teardown(() => outbox.close())
  code(() => captureWebhooks(subscribed))
  code(() => captureWebhooks([cancelled, subscribed]))
  code(() => outbox.respondWith([600] as never))
  outbox.respondWith(() => [1.5] as never)
  const err = await subscribed.send('https://a.example/', rick, { secret }).catch((e: unknown) => e)
  t.ok(err instanceof RoutecraftError && err.code === 'RC_ERR_TESTING_CAPTURE', 'a rule answering nonsense fails the send loudly')
  const free = captureWebhooks(cancelled)
  free.close()
  t.pass('a hook left out by a failed capture was not captured')
})
