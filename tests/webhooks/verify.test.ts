import t from 'tap'
import type { Test } from 'tap'
import { Webhook } from 'standardwebhooks'
import { RoutecraftError } from '../../src/errors.js'
import { memoryReplayStore } from '../../src/webhooks/replay-store.js'
import type { ReplayStore } from '../../src/webhooks/replay-store.js'
import { signWebhook } from '../../src/webhooks/sign.js'
import { verifyWebhook, WebhookVerificationError } from '../../src/webhooks/verify.js'
import { OLD_SECRET, OTHER_SECRET, SECRET, subscription, subscriptionHook, trackUnhandledRejections } from '../support/webhooks.js'

const unhandled = trackUnhandledRejections()

const NOW = 1_700_000_000_000
const now = (): number => NOW
const TS = NOW / 1000

function signed (body: string | Buffer, options: { id?: string; ts?: number; secret?: string | string[] } = {}): Record<string, string> {
  const { id = 'msg_abc', ts = TS, secret = SECRET } = options
  return { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, id, ts, body) }
}

const body = JSON.stringify(subscription)

async function reason (t: Test, promise: Promise<unknown>, expected: string, extra: Record<string, unknown> = {}, label = expected): Promise<void> {
  await t.rejects(promise, { name: 'WebhookVerificationError', code: 'RC_ERR_WEBHOOK_VERIFY', reason: expected, ...extra }, label)
}

t.test('a signed body verifies and comes back typed and cleaned', async t => {
  const withExtra = JSON.stringify({ ...subscription, is_admin: true })
  const value = await verifyWebhook(subscriptionHook, withExtra, signed(withExtra), SECRET, { now })
  t.same(value, subscription)
  t.notOk('is_admin' in value, 'undeclared fields are removed')
  const typed: { username: string; monthly_fee: number } = value
  t.equal(typed.monthly_fee, 9.99)
  t.same(await verifyWebhook(subscriptionHook, Buffer.from(body), signed(body), SECRET, { now }), subscription, 'a Buffer body')
  t.same(await verifyWebhook(subscriptionHook, new Uint8Array(Buffer.from(body)), signed(body), SECRET, { now }), subscription, 'a Uint8Array body')
})

t.test('signed by the standardwebhooks reference implementation', async t => {
  const id = 'msg_ref'
  const sig = new Webhook(SECRET).sign(id, new Date(), body)
  const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': sig }
  t.same(await verifyWebhook(subscriptionHook, body, headers, SECRET), subscription, 'with the real clock')
})

t.test('headers: any case, arrays, fetch Headers', async t => {
  const h = signed(body)
  const upper = { 'Webhook-Id': h['webhook-id'], 'WEBHOOK-TIMESTAMP': h['webhook-timestamp'], 'Webhook-Signature': h['webhook-signature'] }
  t.same(await verifyWebhook(subscriptionHook, body, upper, SECRET, { now }), subscription, 'any case')
  t.same(await verifyWebhook(subscriptionHook, body, new Headers(h), SECRET, { now }), subscription, 'a fetch Headers')
  const arrays = { 'webhook-id': [h['webhook-id']!, h['webhook-id']!], 'webhook-timestamp': [h['webhook-timestamp']!], 'webhook-signature': ['v1,AAAA', h['webhook-signature']!] }
  t.same(await verifyWebhook(subscriptionHook, body, arrays, SECRET, { now }), subscription, 'repeated headers')
  await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-id': ['msg_a', 'msg_b'] }, SECRET, { now }), 'missing-headers')
})

t.test('missing or malformed headers', async t => {
  const h = signed(body)
  await reason(t, verifyWebhook(subscriptionHook, body, {}, SECRET, { now }), 'missing-headers')
  await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-id': undefined }, SECRET, { now }), 'missing-headers')
  await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-signature': '' }, SECRET, { now }), 'missing-headers')
  await reason(t, verifyWebhook(subscriptionHook, body, new Headers({ 'webhook-id': 'x' }), SECRET, { now }), 'missing-headers')
  for (const ts of ['17e8', '-1', '1700000000.5', ' 1700000000', '1234567890123456']) {
    await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-timestamp': ts }, SECRET, { now }), 'missing-headers')
  }
})

t.test('tampered body, wrong secret, tampered id or timestamp: bad-signature', async t => {
  const h = signed(body)
  await reason(t, verifyWebhook(subscriptionHook, body.replace('9.99', '0.01'), h, SECRET, { now }), 'bad-signature')
  await reason(t, verifyWebhook(subscriptionHook, `${body} `, h, SECRET, { now }), 'bad-signature')
  await reason(t, verifyWebhook(subscriptionHook, body, h, OTHER_SECRET, { now }), 'bad-signature')
  await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-id': 'msg_abd' }, SECRET, { now }), 'bad-signature')
  await reason(t, verifyWebhook(subscriptionHook, body, { ...h, 'webhook-timestamp': String(TS + 1) }, SECRET, { now }), 'bad-signature')
  const stale = signed(body, { ts: TS - 10_000, secret: OTHER_SECRET })
  await reason(t, verifyWebhook(subscriptionHook, body, stale, SECRET, { now }), 'bad-signature', {}, 'a forged message is bad-signature whatever else is wrong with it')
})

t.test('timestamps outside the tolerance: stale-timestamp', async t => {
  await reason(t, verifyWebhook(subscriptionHook, body, signed(body, { ts: TS - 301 }), SECRET, { now }), 'stale-timestamp')
  await reason(t, verifyWebhook(subscriptionHook, body, signed(body, { ts: TS + 301 }), SECRET, { now }), 'stale-timestamp')
  t.same(await verifyWebhook(subscriptionHook, body, signed(body, { ts: TS - 300 }), SECRET, { now }), subscription, 'the edge is inside')
  t.same(await verifyWebhook(subscriptionHook, body, signed(body, { ts: TS + 300 }), SECRET, { now }), subscription)
  await reason(t, verifyWebhook(subscriptionHook, body, signed(body, { ts: TS - 61 }), SECRET, { now, toleranceSeconds: 60 }), 'stale-timestamp')
  for (const toleranceSeconds of [0, -5, Number.NaN, Infinity, '300' as unknown as number]) {
    await t.rejects(verifyWebhook(subscriptionHook, body, signed(body), SECRET, { now, toleranceSeconds }), { code: 'RC_ERR_WEBHOOK_OPTION' })
  }
})

t.test('replay: a webhook-id is accepted once within the window', async t => {
  let clock = NOW
  const replayStore = memoryReplayStore({ now: () => clock })
  const h = signed(body, { id: 'msg_once' })
  t.same(await verifyWebhook(subscriptionHook, body, h, SECRET, { now, replayStore }), subscription)
  await reason(t, verifyWebhook(subscriptionHook, body, h, SECRET, { now, replayStore }), 'replay')
  const retry = signed(body, { id: 'msg_once', ts: TS + 5 })
  await reason(t, verifyWebhook(subscriptionHook, body, retry, SECRET, { now, replayStore }), 'replay', { message: /msg_once/ })
  clock = NOW + 600_000
  t.same(await verifyWebhook(subscriptionHook, body, h, SECRET, { now, replayStore }), subscription, 'forgotten after twice the tolerance')

  const forged = signed(body, { id: 'msg_forged', secret: OTHER_SECRET })
  await reason(t, verifyWebhook(subscriptionHook, body, forged, SECRET, { now, replayStore }), 'bad-signature')
  t.equal(replayStore.has('msg_forged'), false, 'unauthenticated ids are never recorded')
})

t.test('replay with an asynchronous store that has no addIfAbsent (has + add)', async t => {
  const seen = new Map<string, number>()
  const store: ReplayStore = {
    has: async id => seen.has(id),
    add: async (id, ttlMs) => { seen.set(id, ttlMs) },
  }
  const h = signed(body, { id: 'msg_async' })
  t.same(await verifyWebhook(subscriptionHook, body, h, SECRET, { now, replayStore: store }), subscription)
  t.same([...seen], [['msg_async', 600_000]], 'recorded for twice the tolerance')
  await reason(t, verifyWebhook(subscriptionHook, body, h, SECRET, { now, replayStore: store }), 'replay')
})

t.test('secret rotation on the receiver', async t => {
  const old = signed(body, { secret: OLD_SECRET })
  t.same(await verifyWebhook(subscriptionHook, body, old, [SECRET, OLD_SECRET], { now }), subscription)
  const both = signed(body, { secret: [OLD_SECRET, SECRET] })
  t.same(await verifyWebhook(subscriptionHook, body, both, SECRET, { now }), subscription)
  t.same(await verifyWebhook(subscriptionHook, body, both, OLD_SECRET, { now }), subscription)
})

t.test('invalid-json: not JSON, not UTF-8, or prototype poisoning', async t => {
  for (const raw of ['', '{"username":', 'undefined', Buffer.from([0x7b, 0xff, 0x7d]), '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}']) {
    await reason(t, verifyWebhook(subscriptionHook, raw, signed(raw), SECRET, { now }), 'invalid-json')
  }
  t.equal(({} as Record<string, unknown>).isAdmin, undefined, 'no prototype was polluted')
})

t.test('invalid-payload carries the validation issues', async t => {
  const raw = JSON.stringify({ username: 'rick', monthly_fee: 'free' })
  try {
    await verifyWebhook(subscriptionHook, raw, signed(raw), SECRET, { now })
    t.fail('should throw')
  } catch (err) {
    t.type(err, WebhookVerificationError)
    t.type(err, RoutecraftError)
    const e = err as WebhookVerificationError
    t.equal(e.reason, 'invalid-payload')
    t.ok(e.errors.some(i => i.loc.join('.') === 'monthly_fee'), 'monthly_fee is named')
    t.ok(e.errors.some(i => i.loc.join('.') === 'start_date'), 'start_date is named')
    t.match(e.message, /^RC_ERR_WEBHOOK_VERIFY: invalid-payload: .*monthly_fee/)
  }
  await t.rejects(verifyWebhook(subscriptionHook, '{', signed('{', { secret: OTHER_SECRET }), SECRET, { now }), { errors: [] }, 'other reasons carry no issues')
})

t.test('misuse: bad secrets and parsed bodies throw their own codes', async t => {
  const h = signed(body)
  await t.rejects(verifyWebhook(subscriptionHook, body, h, 'not-a-secret!', { now }), { code: 'RC_ERR_WEBHOOK_SECRET' })
  await t.rejects(verifyWebhook(subscriptionHook, body, {}, [], { now }), { code: 'RC_ERR_WEBHOOK_SECRET' }, 'even before reading headers')
  await t.rejects(verifyWebhook(subscriptionHook, subscription as unknown as string, h, SECRET, { now }), { code: 'RC_ERR_WEBHOOK_OPTION', message: /raw/ })
})

t.test('no unhandled rejection during the suite', async t => {
  await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(unhandled.count(), 0)
})
