// The delivery hooks are user code (a transport, a sleep, a random): whatever they do or fail
// to do, every attempt ends at its deadline and every send settles with an honest outcome,
// never a rejection. Bounds here are hang detectors, far above what an idle machine needs.
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { sendWebhook } from '../../src/webhooks/index.js'
import type { SendOutcome } from '../../src/webhooks/index.js'

type SendOptions = NonNullable<Parameters<typeof sendWebhook>[3]>
import { noSleep, SECRET, subscription, subscriptionCodec } from '../support/webhooks.js'

const URL_ = 'https://hooks.example.com/in'
const publicDns: SendOptions['resolve'] = async () => [{ address: '93.184.216.34', family: 4 }]
const never = (): Promise<never> => new Promise(() => {})
const base: SendOptions = { secret: SECRET, sleep: noSleep, resolve: publicDns }

/** The outcome, or a test failure when the send has not settled after `ms` (a hang detector). */
async function settles (t: Test, send: Promise<SendOutcome>, ms = 20_000): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<'hang'>(resolve => { timer = setTimeout(() => resolve('hang'), ms) })
  const result = await Promise.race([send, hang])
  clearTimeout(timer)
  if (result === 'hang') {
    t.fail('the send did not settle')
    return { ok: false, attempts: -1, durationMs: -1, webhookId: '', error: 'hang' }
  }
  return result
}

t.test('a transport that never settles ends at each attempt\'s deadline', async t => {
  let calls = 0
  const outcome = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 50, retry: { attempts: 3 }, transport: () => { calls++; return never() },
  }))
  t.match(outcome, { ok: false, attempts: 3, error: 'timeout' })
  t.equal(calls, 3, 'a timeout is retried, as for HTTP')
})

t.test('an answer after the deadline is ignored', async t => {
  let late: NodeJS.Timeout | undefined
  t.teardown(() => clearTimeout(late))
  const outcome = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 20, retry: { attempts: 1 }, transport: async () => await new Promise(resolve => { late = setTimeout(() => resolve({ status: 200 }), 60_000) }),
  }))
  t.match(outcome, { ok: false, attempts: 1, error: 'timeout' })
  let release: ((value: { status: number }) => void) | undefined
  const released = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 20, retry: { attempts: 1 }, transport: async () => await new Promise(resolve => { release = resolve }),
  }))
  release?.({ status: 200 })
  await new Promise(resolve => setImmediate(resolve))
  t.match(released, { ok: false, attempts: 1, error: 'timeout' }, 'answering after the timeout changes nothing')
})

t.test('the abort signal ends a transport attempt that never settles', async t => {
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 20)
  const outcome = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 600_000, signal: controller.signal, transport: never,
  }))
  t.match(outcome, { ok: false, attempts: 1, error: 'aborted' })
  const aborted = new AbortController()
  aborted.abort()
  const before = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...base, signal: aborted.signal, transport: never }))
  t.match(before, { ok: false, error: 'aborted' })
})

/** Every kind of answer a transport can resolve with that is not `{ status }`. */
function badAnswers (): Array<[string, unknown]> {
  const throwing = (): never => { throw new Error('secret') }
  return [
    ['undefined', undefined], ['null', null], ['a number', 200], ['a string', '200'], ['an empty object', {}],
    ['a string status', { status: '200' }], ['status 99', { status: 99 }], ['status 600', { status: 600 }],
    ['status 200.5', { status: 200.5 }], ['status NaN', { status: NaN }], ['a BigInt status', { status: 200n }],
    ['a throwing status getter', { get status () { return throwing() } }],
    ['a Proxy that throws, except on then', new Proxy({}, { get: (_, key) => key === 'then' ? undefined : throwing(), getPrototypeOf: throwing, has: throwing })],
  ]
}

t.test('every answer that is not { status } is an invalid transport answer, never a rejection', async t => {
  for (const [name, answer] of badAnswers()) {
    const outcome = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...base, retry: { attempts: 3 }, transport: async () => answer as never }))
    t.match(outcome, { ok: false, attempts: 1, error: 'invalid transport answer' }, name)
  }
  const odd = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, retry: { attempts: 1 }, transport: async () => ({ status: 200, headers: { get 'retry-after' () { throw new Error('secret') } } }) as never,
  }))
  t.match(odd, { ok: false, error: 'invalid transport answer' }, 'a throwing header getter')
  const thenable = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, retry: { attempts: 1 }, transport: () => ({ get then () { throw new Error('secret') } }) as never,
  }))
  t.match(thenable, { ok: false, error: 'network error: secret' }, 'a thenable whose then throws is a rejection')
  const stuck = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 20, retry: { attempts: 1 }, transport: () => ({ then () {} }) as never,
  }))
  t.match(stuck, { ok: false, error: 'timeout' }, 'a thenable that never calls back times out')
  const numeric = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, retry: { attempts: 1 }, transport: async () => ({ status: 429, headers: { 'retry-after': 5 } }) as never,
  }))
  t.match(numeric, { ok: false, status: 429 }, 'a Retry-After that is not a string is ignored')
})

t.test('every rejection and synchronous throw is a network error', async t => {
  const throwing = (): never => { throw new Error('secret') }
  const values: Array<[string, unknown, RegExp]> = [
    ['null', null, /^network error: the transport failed/], ['undefined', undefined, /^network error: the transport failed/],
    ['a symbol', Symbol('s'), /^network error: the transport failed/], ['a BigInt', 1n, /^network error: the transport failed/],
    ['a code', Object.assign(new Error('m'), { code: 'ECONNRESET' }), /^network error: ECONNRESET$/],
    ['a numeric code', { code: 7 }, /^network error: 7$/], ['an object code', { code: { a: 1 } }, /^network error: the transport failed/],
    ['a throwing code getter', { get code () { return throwing() } }, /^network error: the transport failed/],
    ['a Proxy that throws', new Proxy({}, { get: throwing, getPrototypeOf: throwing }), /^network error: the transport failed/],
  ]
  for (const [name, value, error] of values) {
    const rejected = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...base, retry: { attempts: 2 }, transport: async () => { throw value } }))
    t.match(rejected, { ok: false, attempts: 2, error }, `rejects with ${name}`)
    const thrown = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...base, retry: { attempts: 1 }, transport: () => { throw value } }))
    t.match(thrown, { ok: false, attempts: 1, error }, `throws ${name} synchronously`)
  }
})

t.test('sleep and random hooks cannot wedge or reject a send', async t => {
  const failing = { ...base, retry: { attempts: 3, minDelayMs: 10, maxDelayMs: 20 }, transport: async () => ({ status: 503 }) }
  let sleeps = 0
  const stuck = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...failing, sleep: () => { sleeps++; return never() } }))
  t.match(stuck, { ok: false, attempts: 3, status: 503 }, 'a sleep that never settles ends after its delay')
  t.equal(sleeps, 2)
  const hostile = new Proxy({}, { get () { throw new Error('secret') }, getPrototypeOf () { throw new Error('secret') } })
  const throwing = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...failing, sleep: async () => { throw hostile } }))
  t.match(throwing, { ok: false, attempts: 1, error: /^internal error: / }, 'a sleep that rejects with a hostile Proxy')
  const random = await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...failing, random: () => { throw new Error('x') } }))
  t.match(random, { ok: false, attempts: 1, error: 'internal error: x' }, 'a random that throws')
  const delays: number[] = []
  for (const r of [NaN, -1, 7, '0.5' as unknown as number, Infinity]) {
    await settles(t, sendWebhook(subscriptionCodec, URL_, subscription, { ...failing, retry: { attempts: 2, minDelayMs: 10, maxDelayMs: 20 }, random: () => r, sleep: async ms => { delays.push(ms) } }))
  }
  t.same(delays, [10, 10, 10, 10, 10], 'a random outside [0, 1] counts as 1: the full delay, never NaN')
})

t.test('any transport behaviour: the send settles, never rejects (property)', async t => {
  const behaviour = fc.oneof(
    fc.anything({ withBigInt: true, withMap: true, withNullPrototype: true }).map(v => ({ kind: 'resolve' as const, v })),
    fc.anything({ withBigInt: true }).map(v => ({ kind: 'reject' as const, v })),
    fc.integer({ min: 100, max: 599 }).map(v => ({ kind: 'resolve' as const, v: { status: v } })),
    fc.constant({ kind: 'never' as const, v: undefined }),
  )
  await fc.assert(fc.asyncProperty(fc.array(behaviour, { minLength: 1, maxLength: 4 }), async script => {
    let n = 0
    const outcome = await sendWebhook(subscriptionCodec, URL_, subscription, {
      ...base, timeoutMs: 5, retry: { attempts: script.length, minDelayMs: 1, maxDelayMs: 2 },
      transport: async () => {
        const step = script[Math.min(n++, script.length - 1)]!
        if (step.kind === 'never') return await never()
        if (step.kind === 'reject') throw step.v
        return step.v as never
      },
    })
    if (typeof outcome.ok !== 'boolean' || outcome.attempts < 1 || outcome.attempts > script.length) throw new Error(`odd outcome ${JSON.stringify(outcome)}`)
    if (outcome.ok !== (outcome.error === undefined && outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300)) throw new Error('ok does not match status')
  }), { numRuns: 200 })
  t.pass('200 scripts')
})

t.test('1,500 concurrent sends through a mix of faulty transports: 0 unsettled, 0 rejected', async t => {
  const late: NodeJS.Timeout[] = []
  t.teardown(() => { for (const timer of late) clearTimeout(timer) })
  const kinds = [
    () => never(),
    async () => { throw null },
    async () => ({ status: 200 }),
    async () => ({ status: 503 }),
    async () => null,
    () => { throw new Error('sync') },
    // Answers long after the deadline (cleared at the end so nothing waits for it).
    async () => await new Promise(resolve => { late.push(setTimeout(() => resolve({ status: 200 }), 60_000)) }),
  ]
  const sends = Array.from({ length: 1500 }, (_, i) => sendWebhook(subscriptionCodec, URL_, subscription, {
    ...base, timeoutMs: 100, retry: { attempts: 2 }, transport: kinds[i % kinds.length] as never,
  }))
  const outcomes = await settles(t, Promise.all(sends).then(all => ({ ok: true, attempts: all.length, durationMs: 0, webhookId: '', all }) as SendOutcome & { all: SendOutcome[] }), 120_000) as SendOutcome & { all?: SendOutcome[] }
  t.equal(outcomes.all?.length, 1500, 'every send settled')
  const byKind = (k: number): SendOutcome[] => (outcomes.all ?? []).filter((_, i) => i % kinds.length === k)
  t.ok(byKind(0).every(o => o.error === 'timeout' && o.attempts === 2), 'never: timeout, twice')
  t.ok(byKind(2).every(o => o.ok), 'the good ones are delivered')
  t.same(byKind(6).filter(o => o.error !== 'timeout'), [], 'a late answer is a timeout')
})
