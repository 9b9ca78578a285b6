// The whole receiving side (issue 8, part 2): what a webhook() signs, verifyWebhook accepts
// and returns as the typed payload; a replay of it is refused; any single-byte change of the
// body, of an id or of the timestamp is refused. (Signature-level properties of sign/verify
// are in tests/webhooks/sign.test.ts.) fc.assert prints the seed on failure.
import t from 'tap'
import fc from 'fast-check'
import { Type } from '@sinclair/typebox'
import { memoryReplayStore, verifyWebhook, webhook, WebhookVerificationError } from '../../src/index.js'
import { signWebhook } from '../../src/webhooks/index.js'

const RUNS = { numRuns: 10_000 }
const NOW = 1_700_000_000_000

const Subscription = Type.Object({
  username: Type.String(),
  monthly_fee: Type.Number(),
  start_date: Type.String({ format: 'date-time' }),
  tags: Type.Optional(Type.Array(Type.String())),
}, { $id: 'Subscription' })
const hook = webhook({ name: 'new-subscription', body: Subscription })

const secretArb = fc.uint8Array({ minLength: 16, maxLength: 40 }).map(b => `whsec_${Buffer.from(b).toString('base64')}`)
const idArb = fc.stringMatching(/^msg_[A-Za-z0-9_-]{1,30}$/)
const payloadArb = fc.record({
  username: fc.string({ unit: 'grapheme', maxLength: 30 }),
  monthly_fee: fc.double({ noNaN: true, noDefaultInfinity: true }),
  start_date: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map(d => d.toISOString()),
  tags: fc.option(fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 4 }), { nil: undefined }),
}, { requiredKeys: ['username', 'monthly_fee', 'start_date'] })
// Within the default 5-minute tolerance of NOW.
const tsArb = fc.integer({ min: NOW / 1000 - 300, max: NOW / 1000 + 300 })

async function reason (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'accepted'
  } catch (err) {
    return err instanceof WebhookVerificationError ? err.reason : `unexpected ${String(err)}`
  }
}

t.test('property: sign → verifyWebhook returns the payload; the same id again is a replay', async t => {
  await fc.assert(fc.asyncProperty(secretArb, idArb, tsArb, payloadArb, async (secret, id, ts, payload) => {
    const body = JSON.stringify(payload)
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) }
    const replayStore = memoryReplayStore({ now: () => NOW })
    const got = await verifyWebhook(hook, Buffer.from(body), headers, secret, { replayStore, now: () => NOW })
    // -0 does not survive JSON; compare what went over the wire.
    if (JSON.stringify(got) !== body) return false
    return await reason(verifyWebhook(hook, body, headers, secret, { replayStore, now: () => NOW })) === 'replay'
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: any single-byte change of the body is refused as a bad signature', async t => {
  await fc.assert(fc.asyncProperty(secretArb, idArb, tsArb, payloadArb, fc.nat(), fc.integer({ min: 1, max: 255 }), async (secret, id, ts, payload, at, delta) => {
    const body = Buffer.from(JSON.stringify(payload))
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) }
    const changed = Buffer.from(body)
    const i = at % changed.length
    changed[i] = (changed[i]! + delta) % 256
    return await reason(verifyWebhook(hook, changed, headers, secret, { now: () => NOW })) === 'bad-signature'
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: another id, another timestamp or another secret is refused', async t => {
  await fc.assert(fc.asyncProperty(secretArb, secretArb, idArb, idArb, tsArb, fc.integer({ min: 1, max: 10 }), payloadArb, async (secret, other, id, otherId, ts, shift, payload) => {
    fc.pre(secret !== other && id !== otherId)
    const body = JSON.stringify(payload)
    const signature = signWebhook(secret, id, ts, body)
    const verify = (headers: Record<string, string>, key: string): Promise<string> => reason(verifyWebhook(hook, body, headers, key, { now: () => NOW }))
    return await verify({ 'webhook-id': otherId, 'webhook-timestamp': String(ts), 'webhook-signature': signature }, secret) === 'bad-signature' &&
      await verify({ 'webhook-id': id, 'webhook-timestamp': String(ts + shift), 'webhook-signature': signature }, secret) === 'bad-signature' &&
      await verify({ 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature }, other) === 'bad-signature'
  }), RUNS)
  t.pass('10000 runs')
})

t.test('property: a correctly signed but stale message is refused, whatever its body', async t => {
  await fc.assert(fc.asyncProperty(secretArb, idArb, fc.integer({ min: 301, max: 10 ** 8 }), fc.boolean(), fc.uint8Array({ maxLength: 64 }), async (secret, id, away, future, bytes) => {
    const ts = NOW / 1000 + (future ? away : -away)
    const body = Buffer.from(bytes)
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) }
    return await reason(verifyWebhook(hook, body, headers, secret, { now: () => NOW })) === 'stale-timestamp'
  }), RUNS)
  t.pass('10000 runs')
})
