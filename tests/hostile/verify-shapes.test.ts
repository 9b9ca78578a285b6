// verifyWebhook against every shape of headers a caller, a framework or an attacker can hand
// it: whatever the headers are, the answer is a WebhookVerificationError with a reason, never a
// TypeError. Headers that cannot be read are missing; a real signature among broken
// neighbours still verifies only when every header it needs is a string.
import t from 'tap'
import fc from 'fast-check'
import { Type } from '@sinclair/typebox'
import { verifyWebhook, webhook, WebhookVerificationError } from '../../src/index.js'
import { signWebhook } from '../../src/webhooks/index.js'

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const NOW = 1_700_000_000_000
const hook = webhook({ name: 'ping', body: Type.Object({ n: Type.Number() }) })
const body = '{"n":1}'
const ts = NOW / 1000
const good = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(SECRET, 'msg_1', ts, body) }

async function reason (headers: unknown): Promise<string> {
  try {
    await verifyWebhook(hook, body, headers as Record<string, string>, SECRET, { now: () => NOW })
    return 'accepted'
  } catch (err) {
    return err instanceof WebhookVerificationError ? err.reason : `unexpected ${String(err)}`
  }
}

const reasons = new Set(['missing-headers', 'bad-signature', 'stale-timestamp', 'replay', 'invalid-json', 'invalid-payload'])

t.test('the headers argument itself: any value is a reason', async t => {
  const throwing = new Proxy({}, { ownKeys () { throw new Error('boom') } })
  const getter = Object.defineProperty({}, 'webhook-signature', { enumerable: true, get () { throw new Error('boom') } })
  const shapes: unknown[] = [null, undefined, 0, 1, NaN, '', 'webhook-id: msg_1', true, Symbol('h'), 10n, [], [good], () => good,
    new Map(Object.entries(good)), new Set(), new Date(), /x/, throwing, getter, Object.create(good), new Uint8Array(4)]
  for (const shape of shapes) t.equal(await reason(shape), 'missing-headers', `headers = ${typeof shape}`)
  t.equal(await reason(good), 'accepted', 'the control case verifies')
  t.equal(await reason(new Headers(good)), 'accepted', 'a fetch Headers object verifies')
})

t.test('each header of a real message replaced by every kind of non-string', async t => {
  const values: unknown[] = [null, undefined, 0, 1700000000, -1, NaN, Infinity, true, false, 10n, Symbol('v'), {}, { toString: () => 'v1,x' },
    [], [1], [null], [good['webhook-signature'], 1], [undefined], () => 'x', new Date(NOW), Buffer.from('msg_1')]
  for (const name of Object.keys(good) as Array<keyof typeof good>) {
    for (const value of values) {
      t.equal(await reason({ ...good, [name]: value }), 'missing-headers', `${name} = ${typeof value} ${Array.isArray(value) ? 'array' : ''}`)
    }
    // Upper-case names and arrays of one string still work.
    t.equal(await reason({ ...good, [name]: [good[name]] }), 'accepted', `${name} as [string]`)
  }
  t.equal(await reason({ 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': good['webhook-timestamp'], 'Webhook-Signature': good['webhook-signature'] }), 'accepted')
})

t.test('property: any headers value ends as a verification reason', async t => {
  const headerValue = fc.oneof(fc.anything(), fc.string(), fc.array(fc.oneof(fc.string(), fc.anything()), { maxLength: 3 }), fc.constantFrom(...Object.values(good)))
  const headerBag = fc.oneof(
    fc.anything(),
    fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(good), 'WEBHOOK-ID', '__proto__', 'constructor'), fc.string()), headerValue),
    fc.record({ 'webhook-id': headerValue, 'webhook-timestamp': headerValue, 'webhook-signature': headerValue }, { requiredKeys: [] })
  )
  await fc.assert(fc.asyncProperty(headerBag, async headers => {
    const r = await reason(headers)
    return r === 'accepted' || reasons.has(r)
  }), { numRuns: 5_000 })
  t.pass('5,000 header shapes, each a reason')
})
