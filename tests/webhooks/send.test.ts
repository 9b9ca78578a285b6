import t from 'tap'
import type { LookupAddress } from 'node:dns'
import { attemptDelivery, deliver, isRetryable, memoryDispatcher, prepareDelivery, sendWebhook } from '../../src/webhooks/index.js'
import type { DeliveryJob, SendOutcome } from '../../src/webhooks/index.js'
import type { WebhookCodec } from '../../src/webhooks/codec.js'
import { verifyWebhook } from '../../src/webhooks/verify.js'
import { memoryReplayStore } from '../../src/webhooks/replay-store.js'
import { verifySignature } from '../../src/webhooks/sign.js'
import { noSleep, OLD_SECRET, receiver, SECRET, subscription, subscriptionCodec, subscriptionHook, trackUnhandledRejections } from '../support/webhooks.js'

const unhandled = trackUnhandledRejections()
const local = { secret: SECRET, allowPrivateNetwork: true, sleep: noSleep }

function recorder (): { delays: number[], sleep: (ms: number) => Promise<void> } {
  const delays: number[] = []
  return { delays, sleep: async ms => { delays.push(ms) } }
}

t.test('round trip: send, a node:http receiver, verifyWebhook gives the typed body', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const before = Math.floor(Date.now() / 1000)
  const payload = { ...subscription, password: 'not declared, never sent' }
  const outcome = await sendWebhook(subscriptionCodec, rx.url, payload, { secret: SECRET, allowPrivateNetwork: true })
  t.match(outcome, { ok: true, status: 204, attempts: 1, webhookId: /^msg_/ })
  t.notOk('error' in outcome)
  t.type(outcome.durationMs, 'number')
  t.same(JSON.parse(JSON.stringify(outcome)), outcome, 'the outcome is JSON-serialisable')
  t.equal(rx.requests.length, 1)
  const [req] = rx.requests
  t.equal(req!.method, 'POST')
  t.equal(req!.url, '/hooks')
  t.match(req!.headers, {
    'content-type': 'application/json',
    'user-agent': 'routecraft-webhooks',
    'webhook-id': outcome.webhookId,
    'webhook-signature': /^v1,[A-Za-z0-9+/]{43}=$/,
  })
  const ts = Number(req!.headers['webhook-timestamp'])
  t.ok(ts >= before && ts <= Math.floor(Date.now() / 1000), 'unix seconds, now')
  t.equal(req!.body.toString(), JSON.stringify(subscription), 'serialized once, undeclared fields removed')
  const received = await verifyWebhook(subscriptionHook, req!.body, req!.headers, SECRET, { replayStore: memoryReplayStore() })
  const typed: { username: string; start_date: string } = received
  t.same(typed, subscription)
})

t.test('rotation: signed with [old, new], verifies with either', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, secret: [OLD_SECRET, SECRET] })
  t.equal(outcome.ok, true)
  const { body, headers } = rx.requests[0]!
  t.equal(String(headers['webhook-signature']).split(' ').length, 2)
  t.same(await verifyWebhook(subscriptionHook, body, headers, OLD_SECRET), subscription)
  t.same(await verifyWebhook(subscriptionHook, body, headers, SECRET), subscription)
})

t.test('503, 503, then 200: ok after 3 attempts, one webhook-id, fresh signatures', async t => {
  const rx = await receiver((_req, i) => ({ status: i < 2 ? 503 : 200 }))
  t.teardown(rx.close)
  const { delays, sleep } = recorder()
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, sleep, random: () => 0.999 })
  t.match(outcome, { ok: true, status: 200, attempts: 3 })
  t.equal(rx.requests.length, 3)
  t.same(new Set(rx.requests.map(r => r.headers['webhook-id'])), new Set([outcome.webhookId]), 'the same id on every attempt')
  for (const r of rx.requests) {
    t.ok(verifySignature(SECRET, outcome.webhookId, String(r.headers['webhook-timestamp']), r.body, String(r.headers['webhook-signature'])), 'each attempt is signed')
  }
  t.same(delays, [499, 999], 'full jitter in [0, min(max, 500 * 2^(n-1))]')
})

t.test('backoff is capped by maxDelayMs and drawn from [0, ceiling)', async t => {
  const rx = await receiver(() => ({ status: 500 }))
  t.teardown(rx.close)
  const { delays, sleep } = recorder()
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, sleep, random: () => 0.5, retry: { attempts: 6, minDelayMs: 100, maxDelayMs: 1000 } })
  t.match(outcome, { ok: false, status: 500, attempts: 6 })
  t.notOk('error' in outcome, 'an HTTP answer is no error')
  t.same(delays, [50, 100, 200, 400, 500])
  const zero = recorder()
  await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, sleep: zero.sleep, random: () => 0, retry: { attempts: 2 } })
  t.same(zero.delays, [0])
})

t.test('410, 400, 3xx and 2xx stop at once; redirects are not followed', async t => {
  for (const [status, ok] of [[410, false], [400, false], [404, false], [422, false], [301, false], [302, false], [200, true], [202, true]] as const) {
    const rx = await receiver(() => ({ status, headers: { location: 'http://169.254.169.254/' } }))
    const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, local)
    t.match(outcome, { ok, status, attempts: 1 }, String(status))
    t.equal(rx.requests.length, 1)
    await rx.close()
  }
})

t.test('408 and 429 are retried; Retry-After is honoured and capped', async t => {
  const answers = [
    { status: 429, headers: { 'retry-after': '120' } },
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 408, headers: { 'retry-after': new Date(Date.now() + 4000).toUTCString() } },
    { status: 503, headers: { 'retry-after': new Date(Date.now() - 60_000).toUTCString() } },
    { status: 503, headers: { 'retry-after': 'soon' } },
    { status: 200 },
  ]
  const rx = await receiver((_req, i) => answers[i]!)
  t.teardown(rx.close)
  const { delays, sleep } = recorder()
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, sleep, random: () => 0.5, retry: { attempts: 6, minDelayMs: 100, maxDelayMs: 5000 } })
  t.match(outcome, { ok: true, attempts: 6 })
  t.equal(delays[0], 5000, '120 s capped at maxDelayMs')
  t.equal(delays[1], 1000, 'delay-seconds')
  t.ok(delays[2]! > 2000 && delays[2]! <= 4000, `an HTTP-date (${delays[2]})`)
  t.equal(delays[3], 0, 'a date in the past: no wait')
  t.equal(delays[4], 800, 'unreadable: jittered backoff (0.5 * 100 * 2^4)')
})

t.test('a timeout is an error and is retried', async t => {
  const rx = await receiver(() => ({ status: 200, hang: true }))
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, timeoutMs: 300, retry: { attempts: 2 } })
  t.match(outcome, { ok: false, attempts: 2, error: 'timeout' })
  t.notOk('status' in outcome)
  t.equal(rx.requests.length, 2)
})

t.test('status is the last HTTP answer; error says the final attempt got none', async t => {
  const rx = await receiver((_req, i) => i === 0 ? { status: 503 } : { status: 200, hang: true })
  t.teardown(rx.close)
  // The 503 must arrive within the deadline: 3 s is far more than 10× a loopback answer.
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, timeoutMs: 3000, retry: { attempts: 2 } })
  t.match(outcome, { ok: false, status: 503, attempts: 2, error: 'timeout' })
})

t.test('a response whose body never ends: the status counts, the timer still closes the socket', async t => {
  const rx = await receiver(() => ({ status: 200, headers: { 'content-length': '1000' }, body: 'partial', hang: false }))
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, timeoutMs: 3000 })
  t.match(outcome, { ok: true, status: 200, attempts: 1 })
})

t.test('connection refused: an error outcome, retried, never a rejection', async t => {
  const rx = await receiver()
  await rx.close()
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, local)
  t.match(outcome, { ok: false, attempts: 3, error: 'network error: ECONNREFUSED' })
  const tls = await receiver()
  t.teardown(tls.close)
  const https = await sendWebhook(subscriptionCodec, tls.url.replace('http:', 'https:'), subscription, { ...local, retry: { attempts: 1 } })
  t.match(https, { ok: false, attempts: 1, error: /^network error: / }, 'https to a plain-HTTP port fails the handshake')
})

t.test('an invalid payload is not sent', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, { username: 'rick', monthly_fee: 'free' } as unknown as typeof subscription, local)
  t.match(outcome, { ok: false, attempts: 0, webhookId: /^msg_/, error: /^invalid payload: .*monthly_fee: Expected number/ })
  t.equal(rx.requests.length, 0, 'the receiver saw nothing')

  const throwing: WebhookCodec<unknown> = { name: 'x', validate: () => { throw new Error('validator broke') }, serialize: () => '' }
  t.match(await sendWebhook(throwing, rx.url, 1, local), { attempts: 0, error: 'invalid payload: validator broke' })
  const badSerializer: WebhookCodec<unknown> = { name: 'x', validate: v => ({ ok: true, value: v }), serialize: () => { throw 'not an Error' as unknown as Error } }
  t.match(await sendWebhook(badSerializer, rx.url, 1, local), { attempts: 0, error: 'invalid payload: not an Error' })
  const notString: WebhookCodec<unknown> = { name: 'x', validate: v => ({ ok: true, value: v }), serialize: () => undefined as unknown as string }
  t.match(await sendWebhook(notString, rx.url, 1, local), { attempts: 0, error: /did not serialize to a string/ })
  t.equal(rx.requests.length, 0)
})

t.test('private and non-http(s) targets are refused without allowPrivateNetwork', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const targets = [
    rx.url,
    `http://localhost:${rx.port}/hooks`,
    `http://[::1]:${rx.port}/hooks`,
    `http://[::ffff:127.0.0.1]:${rx.port}/hooks`,
    `http://2130706433:${rx.port}/hooks`,
    `http://0x7f.1:${rx.port}/hooks`,
    'http://10.0.0.1/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00::1]/',
    `ftp://127.0.0.1:${rx.port}/`,
    'file:///etc/passwd',
    'not a url',
  ]
  for (const url of targets) {
    const outcome = await sendWebhook(subscriptionCodec, url, subscription, { secret: SECRET, sleep: noSleep })
    t.match(outcome, { ok: false, attempts: 0, error: /^refused target: / }, url)
  }
  t.match(await sendWebhook(subscriptionCodec, `ftp://127.0.0.1:${rx.port}/`, subscription, local), { attempts: 0, error: /only http: and https:/ },
    'allowPrivateNetwork never allows other schemes')
  t.equal(rx.requests.length, 0, 'the receiver saw nothing')
})

function resolver (...answers: Array<LookupAddress[] | Error>): (host: string) => Promise<LookupAddress[]> {
  let calls = 0
  return async () => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!
    if (answer instanceof Error) throw answer
    return answer
  }
}

t.test('DNS: rebinding between the check and the connection is refused, not retried', async t => {
  const rebinding = resolver([{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }])
  const outcome = await sendWebhook(subscriptionCodec, 'http://rebind.example:1/', subscription, { secret: SECRET, sleep: noSleep, resolve: rebinding })
  t.match(outcome, { ok: false, attempts: 1, error: 'refused target: rebind.example resolves to 127.0.0.1, a private, loopback or reserved address' })

  const privateName = resolver([{ address: '192.168.1.10', family: 4 }])
  t.match(await sendWebhook(subscriptionCodec, 'http://printer.lan/', subscription, { secret: SECRET, resolve: privateName }), { attempts: 0, error: /^refused target: printer\.lan resolves to 192\.168\.1\.10/ })

  const down = resolver(new Error('dns is down'))
  t.match(await sendWebhook(subscriptionCodec, 'http://gone.example/', subscription, { secret: SECRET, sleep: noSleep, resolve: down, retry: { attempts: 2 } }),
    { ok: false, attempts: 2, error: 'network error: dns is down' }, 'a DNS failure is a network error, retried')
})

t.test('abort: before, during an attempt, during the wait', async t => {
  const inFlight = new AbortController()
  const rx = await receiver((_req, i) => {
    if (i === 0) return { status: 503 }
    inFlight.abort()
    return { status: 200, hang: true }
  })
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, signal: AbortSignal.abort() })
  t.match(outcome, { ok: false, attempts: 0, error: 'aborted' })
  t.equal(rx.requests.length, 0)

  const waiting = new AbortController()
  const started = Date.now()
  const { sleep: _sleep, ...realSleep } = local
  // random() is drawn right before the wait starts: aborting from there lands inside the wait.
  const random = (): number => { setTimeout(() => waiting.abort(), 20); return 1 }
  // Without the abort the wait would be 10 minutes; with it, about 20 ms.
  const aborted = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...realSleep, random, retry: { attempts: 3, minDelayMs: 600_000, maxDelayMs: 600_000 }, signal: waiting.signal })
  t.match(aborted, { ok: false, status: 503, attempts: 1, error: 'aborted' })
  t.ok(Date.now() - started < 60_000, 'the wait ended with the abort')

  const during = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, signal: inFlight.signal })
  t.match(during, { ok: false, attempts: 1, error: 'aborted' }, 'the receiver aborts while holding request #2')
  t.notOk('status' in during)
  t.equal(rx.requests.length, 2)
})

t.test('real waits between attempts (default sleep)', async t => {
  const rx = await receiver((_req, i) => ({ status: i === 0 ? 502 : 200 }))
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { secret: SECRET, allowPrivateNetwork: true, retry: { attempts: 2, minDelayMs: 20 } })
  t.match(outcome, { ok: true, attempts: 2 })
})

t.test('a throwing sleep or random hook ends the send as an outcome', async t => {
  const rx = await receiver(() => ({ status: 503 }))
  t.teardown(rx.close)
  const sleep = async (): Promise<void> => { throw new Error('clock broke') }
  t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, sleep }), { ok: false, status: 503, attempts: 1, error: 'internal error: clock broke' })
  const random = (): number => { throw new Error('no entropy') }
  t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, random }), { ok: false, status: 503, attempts: 1, error: 'internal error: no entropy' })
})

t.test('message options: method, headers, webhookId', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const outcome = await sendWebhook(subscriptionCodec, new URL(rx.url), subscription, {
    ...local, method: 'put', webhookId: 'order-42:v1', headers: { 'X-Tenant': 'acme', 'User-Agent': 'acme-hooks/1.0' },
  })
  t.match(outcome, { ok: true, webhookId: 'order-42:v1' })
  t.match(rx.requests[0], { method: 'PUT', headers: { 'x-tenant': 'acme', 'user-agent': 'acme-hooks/1.0', 'webhook-id': 'order-42:v1' } })
})

t.test('invalid options and secrets are outcomes too', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ timeoutMs: 0 }, /^invalid options: timeoutMs/],
    [{ timeoutMs: Number.NaN }, /^invalid options: timeoutMs/],
    [{ retry: { attempts: 0 } }, /^invalid options: retry\.attempts/],
    [{ retry: { attempts: 1.5 } }, /^invalid options: retry\.attempts/],
    [{ retry: { attempts: 2, minDelayMs: -1 } }, /^invalid options: retry\.minDelayMs/],
    [{ retry: { attempts: 2, maxDelayMs: Infinity } }, /^invalid options: retry\.minDelayMs/],
    [{ headers: { 'Webhook-Signature': 'v1,forged' } }, /^invalid options: the header webhook-signature is set by routecraft/],
    [{ headers: { 'content-type': 'text/plain' } }, /^invalid options: the header content-type/],
    [{ headers: { 'x-evil': 'a\r\nb' } }, /^invalid options: the header "x-evil"/],
    [{ headers: { 'bad name': 'x' } }, /^invalid options: the header "bad name"/],
    [{ headers: { 'x-number': 1 } }, /^invalid options: the header "x-number"/],
    [{ headers: null }, /^invalid options: headers must be/],
    [{ method: 'GE T' }, /^invalid options: method/],
    [{ method: 7 }, /^invalid options: method/],
    [{ webhookId: 'has.dot' }, /^invalid options: webhookId/],
    [{ webhookId: 'has space' }, /^invalid options: webhookId/],
    [{ webhookId: '' }, /^invalid options: webhookId/],
    [{ webhookId: 'x'.repeat(257) }, /^invalid options: webhookId/],
    [{ secret: 'whsec_!!' }, /^invalid secret: a webhook secret must be/],
    [{ secret: [] }, /^invalid secret: a webhook secret is required/],
  ]
  for (const [options, error] of cases) {
    const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, ...options } as typeof local)
    t.match(outcome, { ok: false, attempts: 0, error }, JSON.stringify(options))
  }
  t.equal(rx.requests.length, 0)
  t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, webhookId: 7 as unknown as string }), { webhookId: '', error: /webhookId/ })
  t.match(await sendWebhook(subscriptionCodec, 'http://93.184.216.34/', subscription, undefined as never), { attempts: 0, error: /^invalid secret: a webhook secret is required/ },
    'no options at all')
  const once = await receiver(() => ({ status: 503 }))
  t.teardown(once.close)
  t.match(await sendWebhook(subscriptionCodec, once.url, subscription, { ...local, retry: { attempts: 1 } }), { ok: false, status: 503, attempts: 1 }, 'attempts: 1 never retries')
})

t.test('prepareDelivery + deliver: a JSON job without secrets, delivered elsewhere', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const prepared = await prepareDelivery(subscriptionCodec, rx.url, { ...subscription, extra: 1 } as typeof subscription, { allowPrivateNetwork: true, headers: { 'x-a': 'b' } })
  if (!prepared.ok) throw new Error('expected a job')
  const { job } = prepared
  t.match(job, { v: 1, event: 'new-subscription', url: rx.url, method: 'POST', webhookId: /^msg_/, body: JSON.stringify(subscription), headers: { 'x-a': 'b' } })
  t.type(job.createdAt, 'number')
  const stored = JSON.stringify(job)
  t.notMatch(stored, SECRET.slice(6), 'no secret in the job')
  const revived = JSON.parse(stored) as DeliveryJob
  t.same(revived, job)
  const outcome = await deliver(revived, { secret: SECRET, allowPrivateNetwork: true })
  t.match(outcome, { ok: true, status: 204, attempts: 1, webhookId: job.webhookId })
  const dispatched = await memoryDispatcher({ secret: SECRET, allowPrivateNetwork: true }).dispatch(job)
  t.match(dispatched, { ok: true, webhookId: job.webhookId })
  t.same(rx.requests.map(r => r.headers['webhook-id']), [job.webhookId, job.webhookId])
  t.same(await verifyWebhook(subscriptionHook, rx.requests[1]!.body, rx.requests[1]!.headers, SECRET), subscription)

  const refused = await prepareDelivery(subscriptionCodec, rx.url, subscription)
  t.match(refused, { ok: false, outcome: { attempts: 0, error: /^refused target/ } })
  t.match(await prepareDelivery(subscriptionCodec, rx.url, subscription, { method: '' }), { ok: false, outcome: { webhookId: '', error: /^invalid options/ } })
})

t.test('deliver checks what it is given: the job, the guard', async t => {
  const rx = await receiver()
  t.teardown(rx.close)
  const prepared = await prepareDelivery(subscriptionCodec, rx.url, subscription, { allowPrivateNetwork: true })
  if (!prepared.ok) throw new Error('expected a job')
  const job = prepared.job
  const bad: Array<[unknown, RegExp]> = [
    [null, /^invalid job: not a version 1/],
    [{ ...job, v: 2 }, /^invalid job: not a version 1/],
    [{ ...job, webhookId: undefined }, /^invalid job: not a version 1/],
    [{ ...job, body: {} }, /^invalid job: not a version 1/],
    [{ ...job, method: 'P O S T' }, /^invalid job: method/],
    [{ ...job, headers: { host: 'evil' } }, /^invalid job: the header host/],
    [{ ...job, url: 'nope' }, /^refused target: not a valid URL/],
    [{ ...job, url: 'ftp://x/' }, /^refused target: only http/],
  ]
  for (const [candidate, error] of bad) {
    t.match(await deliver(candidate as DeliveryJob, { secret: SECRET, allowPrivateNetwork: true }), { ok: false, attempts: 0, error }, String(error))
  }
  t.match(await deliver(job, { secret: SECRET }), { attempts: 0, error: /^refused target: 127\.0\.0\.1/ }, 'a worker applies its own guard')
  t.match(await deliver(job, { secret: SECRET, allowPrivateNetwork: true, timeoutMs: -1 }), { attempts: 0, error: /^invalid options/ })
  t.match(await deliver(job, { secret: 'nope!', allowPrivateNetwork: true }), { attempts: 0, error: /^invalid secret/ })
  const guarded = await deliver({ ...job, url: `http://localhost:${rx.port}/hooks` }, { secret: SECRET, sleep: noSleep })
  t.match(guarded, { ok: false, attempts: 1, error: /^refused target: localhost resolves to/ }, 'a host name is vetted inside the connection')
  t.equal(rx.requests.length, 0)
})

t.test('isRetryable: what a queue worker should try again', async t => {
  const base = { attempts: 1, durationMs: 1, webhookId: 'msg_x' }
  t.equal(isRetryable({ ...base, ok: true, status: 200 }), false)
  t.equal(isRetryable({ ...base, ok: false, status: 503 }), true)
  t.equal(isRetryable({ ...base, ok: false, status: 429 }), true)
  t.equal(isRetryable({ ...base, ok: false, status: 408 }), true)
  t.equal(isRetryable({ ...base, ok: false, status: 410 }), false)
  t.equal(isRetryable({ ...base, ok: false, status: 301 }), false)
  t.equal(isRetryable({ ...base, ok: false, error: 'timeout' }), true)
  t.equal(isRetryable({ ...base, ok: false, status: 503, error: 'network error: ECONNRESET' }), true)
  t.equal(isRetryable({ ...base, ok: false, error: 'refused target: rebind.example resolves to 127.0.0.1' }), false)
  t.equal(isRetryable({ ...base, ok: false, error: 'aborted' }), false)
  t.equal(isRetryable({ ...base, attempts: 0, ok: false, error: 'network error: not really' }), false, 'nothing was tried: a prepare-time failure')
  const rx = await receiver(() => ({ status: 502 }))
  t.teardown(rx.close)
  t.equal(isRetryable(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...local, retry: { attempts: 1 } })), true)
})

t.test('attemptDelivery: one attempt whatever the retry policy, with the receiver\'s Retry-After', async t => {
  const answers = [
    { status: 503, headers: { 'retry-after': '7200' } },
    { status: 429, headers: { 'retry-after': 'soon' } },
    { status: 204 },
  ]
  const rx = await receiver((_req, i) => answers[i]!)
  t.teardown(rx.close)
  const prepared = await prepareDelivery(subscriptionCodec, rx.url, subscription, { allowPrivateNetwork: true })
  if (!prepared.ok) throw new Error('not prepared')
  const options = { secret: SECRET, allowPrivateNetwork: true, retry: { attempts: 5 } } as Parameters<typeof attemptDelivery>[1]
  const first = await attemptDelivery(prepared.job, options)
  t.match(first, { outcome: { ok: false, status: 503, attempts: 1 }, retryAfterMs: 7_200_000 }, 'uncapped: a queue may wait hours')
  t.equal(rx.requests.length, 1, 'one attempt only, though retry asks for five')
  const second = await attemptDelivery(prepared.job, options)
  t.match(second.outcome, { ok: false, status: 429, attempts: 1 })
  t.notOk('retryAfterMs' in second, 'an unreadable Retry-After is left out')
  const third = await attemptDelivery(prepared.job, options)
  t.same(Object.keys(third), ['outcome'])
  t.match(third.outcome, { ok: true, status: 204, attempts: 1 })
  const refused = await attemptDelivery(prepared.job, { secret: SECRET })
  t.same(Object.keys(refused), ['outcome'])
  t.match(refused.outcome, { ok: false, attempts: 0, error: /^refused target: 127\.0\.0\.1/ }, 'the guard applies to every attempt')
})

t.test('no unhandled rejection during the suite', async t => {
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(unhandled.count(), 0)
})

// Keeps the SendOutcome type honest for the other side of the API.
const _shape: SendOutcome = { ok: true, attempts: 1, durationMs: 0, webhookId: 'msg_x' }
void _shape
