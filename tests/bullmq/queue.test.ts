// routecraft/bullmq against a real redis-server that this test starts on a free loopback port.
import t from 'tap'
import { Redis } from 'ioredis'
import fc from 'fast-check'
import { deliveryWorker, jobIdOf, queueBackoff, queueDispatcher } from '../../src/bullmq/index.js'
import type { DeliveryWorker, QueueDispatcher } from '../../src/bullmq/index.js'
import { prepareDelivery } from '../../src/webhooks/index.js'
import type { DeliveryJob } from '../../src/webhooks/index.js'
import { verifyWebhook } from '../../src/webhooks/verify.js'
import { RoutecraftError } from '../../src/errors.js'
import { receiver, SECRET, subscription, subscriptionCodec, subscriptionHook, trackUnhandledRejections } from '../support/webhooks.js'
import type { Answer, Receiver } from '../support/webhooks.js'
import { startRedis } from './redis-server.js'

const unhandled = trackUnhandledRejections()
const server = await startRedis()
t.teardown(server.stop)
const connection = { host: server.host, port: server.port }
const KEY = 'integrity-key-0123456789-abcdefghij'
const NEW_KEY = 'integrity-key-rotated-9876543210-zyxw'
let queues = 0

const closing: Array<() => Promise<void>> = []
t.teardown(async () => { for (const close of closing.reverse()) await close() })

interface Setup { name: string; rx: Receiver; dispatcher: QueueDispatcher; running?: DeliveryWorker }

async function setup (answer: (index: number) => Answer | Promise<Answer>, options: { waitMs?: number; worker?: boolean; retry?: { attempts?: number; minDelayMs?: number; maxDelayMs?: number }; timeoutMs?: number } = {}): Promise<Setup> {
  const name = `test-${process.pid}-${++queues}`
  const rx = await receiver((_req, i) => answer(i))
  closing.push(rx.close)
  const dispatcher = queueDispatcher({ connection, queueName: name, integrityKey: KEY, waitMs: options.waitMs ?? 0 })
  closing.push(dispatcher.close)
  const setup: Setup = { name, rx, dispatcher }
  if (options.worker !== false) setup.running = worker(name, options)
  return setup
}

function worker (name: string, options: { retry?: { attempts?: number; minDelayMs?: number; maxDelayMs?: number }; timeoutMs?: number } = {}): DeliveryWorker {
  const running = deliveryWorker({
    connection, queueName: name, integrityKey: [NEW_KEY, KEY], secret: () => SECRET, allowPrivateNetwork: true,
    retry: options.retry ?? { minDelayMs: 10, maxDelayMs: 50 }, timeoutMs: options.timeoutMs ?? 5000,
  })
  closing.push(running.close)
  return running
}

async function job (url: string, webhookId?: string): Promise<DeliveryJob> {
  const prepared = await prepareDelivery(subscriptionCodec, url, subscription, { allowPrivateNetwork: true, ...(webhookId === undefined ? {} : { webhookId }) })
  if (!prepared.ok) throw new Error('not prepared')
  return prepared.job
}

/** Polls `check` every 20 ms, for at most 20 s (far beyond what an idle machine needs). */
async function until<T> (check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

t.test('enqueue, deliver, outcome; enqueueing the same message twice is a no-op', async t => {
  const { rx, dispatcher, name } = await setup(() => ({ status: 204 }), { waitMs: 20_000 })
  const message = await job(rx.url)
  const outcome = await dispatcher.dispatch(message)
  t.match(outcome, { ok: true, status: 204, attempts: 1, webhookId: message.webhookId })
  t.equal(rx.requests.length, 1)
  const received = await verifyWebhook(subscriptionHook, rx.requests[0]!.body, rx.requests[0]!.headers, SECRET)
  t.same(received, subscription, 'signed by the worker with its secret, verified by the receiver')
  t.equal(rx.requests[0]!.headers['webhook-id'], message.webhookId)

  const again = await dispatcher.dispatch(message)
  t.match(again, { ok: true, status: 204, attempts: 1 }, 'the second dispatch finds the finished job')
  t.equal(rx.requests.length, 1, 'and sends nothing')
  t.same(await dispatcher.outcome(message.webhookId), outcome, 'the outcome is kept')
  t.equal(await dispatcher.outcome('msg_never_sent'), undefined)

  const stored = await dispatcher.queue.getJob(message.webhookId)
  t.equal(stored?.id, message.webhookId, 'the webhook-id is the job id')
  const raw = JSON.stringify(stored?.data)
  t.notOk(raw.includes(SECRET.slice(6)), 'the queue holds no secret')
  t.match(stored?.data.seal, /^hmac-sha256:/)
  t.equal(await dispatcher.queue.count(), 0, `nothing left waiting in ${name}`)
})

t.test('without waiting: a queued outcome at once, the result kept for later; ids BullMQ refuses are hashed', async t => {
  const { rx, dispatcher } = await setup(() => ({ status: 200 }))
  for (const id of ['msg_plain', '12345', 'tenant:42:event']) {
    const message = await job(rx.url, id)
    const outcome = await dispatcher.dispatch(message)
    t.match(outcome, { ok: false, attempts: 0, error: 'queued', webhookId: id })
    const done = await until(async () => { const o = await dispatcher.outcome(id); return o?.ok === true ? o : undefined }, `${id} delivered`)
    t.match(done, { ok: true, status: 200, attempts: 1, webhookId: id })
  }
  t.same(rx.requests.map(r => r.headers['webhook-id']), ['msg_plain', '12345', 'tenant:42:event'], 'the webhook-id itself is sent')
  t.equal(jobIdOf('msg_plain'), 'msg_plain')
  t.match(jobIdOf('12345'), /^h-[0-9a-f]{64}$/)
  t.not(jobIdOf('a:b'), jobIdOf('a:c'))
})

t.test('retryable answers are tried again by the queue, up to retry.attempts', async t => {
  const flaky = await setup(i => ({ status: i === 0 ? 500 : 204 }), { waitMs: 20_000 })
  t.match(await flaky.dispatcher.dispatch(await job(flaky.rx.url)), { ok: true, status: 204, attempts: 2 })
  const down = await setup(() => ({ status: 503 }), { waitMs: 20_000, retry: { attempts: 3, minDelayMs: 10, maxDelayMs: 20 } })
  const message = await job(down.rx.url)
  const outcome = await down.dispatcher.dispatch(message)
  t.match(outcome, { ok: false, status: 503, attempts: 3 }, 'failed for good after three tries')
  t.equal(down.rx.requests.length, 3)
  t.same(await down.dispatcher.outcome(message.webhookId), outcome)
})

t.test('stops at once on 410 and other 4xx, and on a refused target (the guard runs in the worker)', async t => {
  const gone = await setup(() => ({ status: 410 }), { waitMs: 20_000 })
  t.match(await gone.dispatcher.dispatch(await job(gone.rx.url)), { ok: false, status: 410, attempts: 1 })
  t.equal(gone.rx.requests.length, 1)

  const guarded = await setup(() => ({ status: 204 }), { waitMs: 20_000, worker: false })
  const running = deliveryWorker({ connection, queueName: guarded.name, integrityKey: KEY, secret: async () => SECRET })
  closing.push(running.close)
  const outcome = await guarded.dispatcher.dispatch(await job(guarded.rx.url))
  t.match(outcome, { ok: false, attempts: 0, error: /^refused target: 127\.0\.0\.1/ }, 'enqueued with the guard off, refused by the worker')
  t.equal(guarded.rx.requests.length, 0)
})

t.test('Retry-After delays the job by what the receiver asked for', async t => {
  const times: number[] = []
  const { rx, dispatcher } = await setup(i => {
    times.push(Date.now())
    return i === 0 ? { status: 503, headers: { 'retry-after': '3' } } : { status: 204 }
  }, { retry: { minDelayMs: 10, maxDelayMs: 60_000 } })
  const message = await job(rx.url)
  await dispatcher.dispatch(message)
  const pending = await until(async () => { const o = await dispatcher.outcome(message.webhookId); return o?.attempts === 1 ? o : undefined }, 'the first attempt recorded')
  t.match(pending, { ok: false, error: 'queued', status: 503, attempts: 1 }, 'while it waits, the last status is on record')
  const done = await until(async () => { const o = await dispatcher.outcome(message.webhookId); return o?.ok === true ? o : undefined }, 'delivery')
  t.match(done, { ok: true, attempts: 2 })
  t.ok(times[1]! - times[0]! >= 2950, `the second try came ${times[1]! - times[0]!} ms later (the backoff alone: under 10 ms)`)
})

t.test('a timed-out attempt is on record as the last error while the job waits', async t => {
  const { rx, dispatcher } = await setup(i => i === 0 ? { status: 204, hang: true } : { status: 204 }, { timeoutMs: 200, retry: { minDelayMs: 6000, maxDelayMs: 6000 } })
  const message = await job(rx.url)
  await dispatcher.dispatch(message)
  const pending = await until(async () => { const o = await dispatcher.outcome(message.webhookId); return o?.attempts === 1 ? o : undefined }, 'the timeout recorded')
  t.match(pending, { ok: false, error: 'queued', lastError: 'timeout', attempts: 1 })
  t.notOk('status' in pending)
  const done = await until(async () => { const o = await dispatcher.outcome(message.webhookId); return o?.ok === true ? o : undefined }, 'delivery')
  t.match(done, { ok: true, attempts: 2 })
})

t.test('a job tampered with in Redis is never delivered', async t => {
  const { rx, dispatcher, name } = await setup(() => ({ status: 204 }), { worker: false })
  const redis = new Redis(server.port, server.host)
  t.teardown(() => redis.disconnect())
  const tamper: Record<string, (data: Record<string, any>) => void> = {
    body: d => { d.delivery.body = JSON.stringify({ ...subscription, monthly_fee: 0 }) },
    url: d => { d.delivery.url = `${rx.url}?to=elsewhere` },
    headers: d => { d.delivery.headers = { 'x-injected': '1' } },
    seal: d => { d.seal = 'hmac-sha256:AAAA' },
    unsealed: d => { delete d.seal },
    gone: d => { d.delivery = null },
    headerless: d => { d.delivery.headers = null },
  }
  const ids: string[] = []
  for (const [what, change] of Object.entries(tamper)) {
    const message = await job(rx.url, `msg_tampered_${what}`)
    await dispatcher.dispatch(message)
    const key = `bull:${name}:${message.webhookId}`
    const data = JSON.parse((await redis.hget(key, 'data'))!)
    change(data)
    await redis.hset(key, 'data', JSON.stringify(data))
    ids.push(message.webhookId)
  }
  const honest = await job(rx.url, 'msg_untouched')
  await dispatcher.dispatch(honest)
  worker(name)
  for (const id of ids) {
    const outcome = await until(async () => { const o = await dispatcher.outcome(id); return o?.error === 'queued' ? undefined : o }, `${id} refused`)
    t.match(outcome, { ok: false, attempts: 0, error: 'invalid job: integrity check failed' }, id)
  }
  await until(async () => { const o = await dispatcher.outcome('msg_untouched'); return o?.ok === true ? o : undefined }, 'the untouched job')
  t.same(rx.requests.map(r => r.headers['webhook-id']), ['msg_untouched'], 'only the untouched job reached the receiver')
})

t.test('graceful close: the attempt in flight finishes before close() resolves', async t => {
  let answered = false
  const { rx, dispatcher, running } = await setup(async () => {
    await new Promise(resolve => setTimeout(resolve, 500))
    answered = true
    return { status: 204 }
  })
  const message = await job(rx.url)
  await dispatcher.dispatch(message)
  await until(async () => rx.requests.length === 1 ? true : undefined, 'the attempt to start')
  await running!.close()
  t.equal(answered, true, 'close() waited for the receiver\'s answer')
  t.match(await dispatcher.outcome(message.webhookId), { ok: true, attempts: 1 }, 'and the job completed')
})

t.test('a secret lookup that fails is retried, not a lost message', async t => {
  let calls = 0
  const { rx, name, dispatcher } = await setup(() => ({ status: 204 }), { waitMs: 20_000, worker: false })
  const running = deliveryWorker({
    connection, queueName: name, integrityKey: KEY, allowPrivateNetwork: true, retry: { minDelayMs: 10, maxDelayMs: 20 },
    secret: () => {
      calls++
      if (calls === 1) throw 'vault unreachable' // eslint-disable-line no-throw-literal
      if (calls === 2) return Promise.reject(new Error('vault timeout'))
      return SECRET
    },
  })
  closing.push(running.close)
  t.match(await dispatcher.dispatch(await job(rx.url)), { ok: true, attempts: 1 }, 'two failed lookups, one attempt')
  t.equal(calls, 3)
})

t.test('a secret lookup that never settles, or fails with anything, is retried at the deadline', async t => {
  let calls = 0
  const { rx, name, dispatcher } = await setup(() => ({ status: 204 }), { waitMs: 20_000, worker: false })
  const hostile = new Proxy({}, { get () { throw new Error('x') }, getPrototypeOf () { throw new Error('x') } })
  const running = deliveryWorker({
    connection, queueName: name, integrityKey: KEY, allowPrivateNetwork: true, timeoutMs: 200, retry: { minDelayMs: 10, maxDelayMs: 20 },
    secret: () => {
      calls++
      if (calls === 1) return new Promise<string>(() => {})
      if (calls === 2) throw hostile
      if (calls === 3) return Promise.reject(Symbol('s'))
      return SECRET
    },
  })
  closing.push(running.close)
  t.match(await dispatcher.dispatch(await job(rx.url)), { ok: true, attempts: 1 }, 'a hung lookup and two odd failures, then one attempt')
  t.equal(calls, 4)
})

t.test('Redis unreachable: clear outcomes, no unhandled rejection, close() still works', async t => {
  const errors: Error[] = []
  const dead = { host: '127.0.0.1', port: 1 }
  const dispatcher = queueDispatcher({ connection: dead, integrityKey: KEY, enqueueTimeoutMs: 300 })
  const outcome = await dispatcher.dispatch(await job('http://127.0.0.1:9/hooks'))
  t.match(outcome, { ok: false, attempts: 0, error: /^queue unavailable: no answer from Redis within 300 ms/ })
  const running = deliveryWorker({ connection: dead, integrityKey: KEY, secret: () => SECRET, onError: err => errors.push(err) })
  await until(async () => errors.length > 0 ? true : undefined, 'the worker to report the connection error')
  t.match(errors[0]!.message, /ECONNREFUSED|connect/)
  await Promise.all([dispatcher.close(), running.close()])
  t.pass('both closed')
})

t.test('Redis going away while a dispatch waits: a queued outcome, not a hang', async t => {
  const other = await startRedis()
  t.teardown(other.stop)
  const name = 'waiting'
  const dispatcher = queueDispatcher({ connection: { host: other.host, port: other.port }, queueName: name, integrityKey: KEY, waitMs: 300, enqueueTimeoutMs: 300 })
  const message = await job('http://127.0.0.1:9/hooks')
  t.match(await dispatcher.dispatch(message), { ok: false, attempts: 0, error: 'queued' }, 'no worker: still queued when the wait ends')
  const second = dispatcher.dispatch(await job('http://127.0.0.1:9/hooks'))
  const redis = new Redis(other.port, other.host)
  await until(async () => (await redis.exists(`bull:${name}:id`)) > 0 && (await redis.llen(`bull:${name}:wait`)) === 2 ? true : undefined, 'the second job stored')
  redis.disconnect()
  await other.halt()
  t.match(await second, { ok: false, attempts: 0, error: 'queued' })
  await other.restart()
  await dispatcher.close()
})

t.test('misuse is a RoutecraftError', async t => {
  const bad: unknown[] = [undefined, {}, { connection }, { connection, integrityKey: 'short' }, { connection, integrityKey: [] }, { connection, integrityKey: KEY, waitMs: -1 },
    { connection, integrityKey: KEY, enqueueTimeoutMs: 0 }, { connection, integrityKey: KEY, queueName: '' }]
  for (const options of bad) t.throws(() => queueDispatcher(options as never), RoutecraftError, JSON.stringify(options))
  const badWorkers: unknown[] = [undefined, { connection, integrityKey: KEY }, { connection, integrityKey: KEY, secret: () => SECRET, concurrency: 0 },
    { connection, integrityKey: KEY, secret: () => SECRET, retry: { attempts: 1.5 } }, { connection, integrityKey: KEY, secret: () => SECRET, retry: { maxDelayMs: -1 } },
    { connection, integrityKey: KEY, secret: () => SECRET, timeoutMs: 0 }, { connection, integrityKey: KEY, secret: () => SECRET, timeoutMs: 2 ** 30 }, { connection, secret: () => SECRET }]
  for (const options of badWorkers) t.throws(() => deliveryWorker(options as never), RoutecraftError, JSON.stringify(options))
  const dispatcher = queueDispatcher({ connection, integrityKey: KEY, queueName: 'misuse' })
  closing.push(dispatcher.close)
  t.match(await dispatcher.dispatch({} as DeliveryJob), { ok: false, attempts: 0, webhookId: '', error: 'invalid job: not a version 1 delivery job' })
  t.match(await dispatcher.dispatch(undefined as unknown as DeliveryJob), { ok: false, error: /^invalid job/ })
})

t.test('queueBackoff: exponential with equal jitter, capped; hours-long horizons by default', async t => {
  const policy = { attempts: 15, minDelayMs: 10_000, maxDelayMs: 4 * 3_600_000 }
  fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
    const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (n - 1))
    const wait = queueBackoff(policy, () => r)(n)
    return wait >= ceiling / 2 && wait <= ceiling
  }))
  const lowest = Array.from({ length: 14 }, (_, i) => queueBackoff(policy, () => 0)(i + 1)).reduce((a, b) => a + b, 0)
  t.ok(lowest > 8 * 3_600_000, `the 14 waits of the default policy add up to at least ${(lowest / 3_600_000).toFixed(1)} h`)
  t.equal(queueBackoff(policy, () => 0)(0), 5000, 'a zero attempt count is treated as the first')
})

t.test('no unhandled rejection', async t => {
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(unhandled.count(), 0)
})
