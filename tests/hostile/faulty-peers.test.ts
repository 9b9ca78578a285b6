// The webhook sender against receivers that misbehave at the byte level: every send() and
// deliver() settles, within attempts × (timeoutMs + maxDelayMs), with an outcome that says
// what happened. The receivers are raw TCP servers on 127.0.0.1 that answer whatever bytes a
// faulty or hostile peer could: protocol upgrades, interim statuses, stalls, trickles, broken
// status lines, connections closed half-way. Bounds are on steps (attempts, connections) and
// sizes; the only clock bounds are the watchdogs, at least 10× what an idle machine needs.
import t from 'tap'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { deliver, MAX_TIMER_MS, prepareDelivery, sendWebhook } from '../../src/webhooks/send.js'
import type { SendOutcome } from '../../src/webhooks/send.js'
import { receiver, SECRET, subscription, subscriptionCodec, trackUnhandledRejections } from '../support/webhooks.js'

const unhandled = trackUnhandledRejections()

/** What a faulty receiver does once it has read the request's headers. */
type Behaviour = (socket: Socket, timers: Set<NodeJS.Timeout>) => void

interface Peer {
  /** An honest outcome for this peer, whatever the number of attempts. */
  readonly expect: (o: SendOutcome) => boolean
  readonly behaviour: Behaviour
}

const HEADERS = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n'

function every (ms: number, timers: Set<NodeJS.Timeout>, socket: Socket, chunk: string): void {
  const timer = setInterval(() => { if (!socket.destroyed) socket.write(chunk) }, ms)
  timers.add(timer)
  socket.on('close', () => { clearInterval(timer); timers.delete(timer) })
}

const isTimeout = (o: SendOutcome): boolean => !o.ok && o.error === 'timeout'
const isNetworkError = (o: SendOutcome): boolean => !o.ok && typeof o.error === 'string' && o.error.startsWith('network error: ')
const isStatus = (status: number, ok: boolean) => (o: SendOutcome): boolean => o.ok === ok && o.status === status && o.error === undefined

/** Every kind of faulty receiver the suite knows, by name. */
const peers: Record<string, Peer> = {
  // Node closes the socket of an unexpected upgrade without emitting error or response.
  'upgrades (101 Switching Protocols)': {
    expect: isStatus(101, false),
    behaviour: s => { s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n') },
  },
  'upgrades, then talks the new protocol': {
    expect: isStatus(101, false),
    behaviour: (s, timers) => {
      s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n\x00\x00\x00')
      every(20, timers, s, '\x00')
    },
  },
  'answers 200 as if tunnelling': {
    expect: isStatus(200, true),
    behaviour: s => { s.write('HTTP/1.1 200 Connection Established\r\n\r\n') },
  },
  'sends headers, then stalls the body': {
    expect: isStatus(200, true),
    behaviour: s => { s.write(`${HEADERS}Content-Length: 1000\r\n\r\npartial`) },
  },
  'trickles a body forever': {
    expect: isStatus(200, true),
    behaviour: (s, timers) => {
      s.write(`${HEADERS}Transfer-Encoding: chunked\r\n\r\n`)
      every(20, timers, s, '1\r\nx\r\n')
    },
  },
  'stalls half-way through the headers': {
    expect: isTimeout,
    behaviour: s => { s.write('HTTP/1.1 200 OK\r\nContent-') },
  },
  'trickles headers forever': {
    expect: o => isTimeout(o) || isNetworkError(o), // Node may refuse the headers as too large first
    behaviour: (s, timers) => {
      s.write('HTTP/1.1 200 OK\r\n')
      every(20, timers, s, 'X-Slow: 1\r\n')
    },
  },
  'sends interim statuses forever': {
    expect: isTimeout,
    behaviour: (s, timers) => { every(20, timers, s, 'HTTP/1.1 102 Processing\r\n\r\n') },
  },
  'sends an early hint, then a final status': {
    expect: isStatus(204, true),
    behaviour: s => { s.write('HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n') },
  },
  'never answers': {
    expect: isTimeout,
    behaviour: () => {},
  },
  'answers an invalid status line': {
    expect: isNetworkError,
    behaviour: s => { s.end('HTTP/1.1 OK fine\r\n\r\n') },
  },
  'answers something that is not HTTP': {
    expect: isNetworkError,
    behaviour: s => { s.end('SSH-2.0-OpenSSH_9.6\r\n') },
  },
  'answers a status out of range': {
    expect: isNetworkError,
    behaviour: s => { s.end('HTTP/1.1 1000 Too Big\r\n\r\n') },
  },
  'closes mid-headers': {
    expect: isNetworkError,
    behaviour: s => { s.end('HTTP/1.1 200 OK\r\nContent-Le') },
  },
  'closes without a byte': {
    expect: isNetworkError,
    behaviour: s => { s.end() },
  },
  'resets the connection': {
    expect: isNetworkError,
    behaviour: s => { s.resetAndDestroy() },
  },
}

interface FaultyReceiver { url: string; connections: () => number; close: () => Promise<void> }

/** A raw TCP receiver: reads up to the end of the request's headers, then behaves. */
async function faulty (behaviour: Behaviour): Promise<FaultyReceiver> {
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  let connections = 0
  const server: Server = createServer(socket => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let seen = ''
    let started = false
    socket.on('data', chunk => {
      if (started) return
      seen += chunk.toString('latin1')
      if (seen.includes('\r\n\r\n')) {
        started = true
        behaviour(socket, timers)
      }
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    connections: () => connections,
    close: () => new Promise<void>(resolve => {
      for (const timer of timers) clearInterval(timer)
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    }),
  }
}

const policy = { timeoutMs: 300, retry: { attempts: 2, minDelayMs: 10, maxDelayMs: 40 } }
const bound = policy.retry.attempts * (policy.timeoutMs + policy.retry.maxDelayMs)
const base = { ...policy, secret: SECRET, allowPrivateNetwork: true }

/** Resolves with the outcome, or with 'unsettled' after `ms` (a watchdog, far above any honest duration). */
async function within (promise: Promise<SendOutcome>, ms: number): Promise<SendOutcome | 'unsettled'> {
  let timer: NodeJS.Timeout | undefined
  const watchdog = new Promise<'unsettled'>(resolve => { timer = setTimeout(() => resolve('unsettled'), ms) })
  try {
    return await Promise.race([promise, watchdog])
  } finally {
    clearTimeout(timer)
  }
}

for (const [name, peer] of Object.entries(peers)) {
  t.test(`a receiver that ${name}: send() and deliver() settle honestly`, async t => {
    const rx = await faulty(peer.behaviour)
    t.teardown(rx.close)
    const sent = await within(sendWebhook(subscriptionCodec, rx.url, subscription, base), 20 * bound)
    t.not(sent, 'unsettled', 'send() settled')
    if (sent === 'unsettled') return
    t.ok(peer.expect(sent), `an honest outcome: ${JSON.stringify(sent)}`)
    t.ok(sent.attempts >= 1 && sent.attempts <= policy.retry.attempts, 'no more attempts than allowed')
    t.equal(rx.connections(), sent.attempts, 'one connection per attempt: nothing sent behind the outcome')
    const prepared = await prepareDelivery(subscriptionCodec, rx.url, subscription, { allowPrivateNetwork: true })
    if (!prepared.ok) throw new Error('prepare failed')
    const delivered = await within(deliver(prepared.job, { ...base, retry: { attempts: 1 } }), 20 * bound)
    t.not(delivered, 'unsettled', 'deliver() settled')
    if (delivered === 'unsettled') return
    t.ok(peer.expect(delivered), `an honest outcome: ${JSON.stringify(delivered)}`)
    t.equal(delivered.attempts, 1)
  })
}

t.test('CONNECT is refused before any connection: a tunnel is not a delivery', async t => {
  const rx = await faulty(s => { s.write('HTTP/1.1 200 Connection Established\r\n\r\n') })
  t.teardown(rx.close)
  for (const method of ['CONNECT', 'connect', 'Connect']) {
    const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, { ...base, method })
    t.match(outcome, { ok: false, attempts: 0, error: /^invalid options: method CONNECT/ }, method)
    const prepared = await prepareDelivery(subscriptionCodec, rx.url, subscription, { allowPrivateNetwork: true })
    if (!prepared.ok) throw new Error('prepare failed')
    t.match(await deliver({ ...prepared.job, method }, base), { ok: false, attempts: 0, error: /^invalid job: method CONNECT/ })
  }
  t.equal(rx.connections(), 0)
})

t.test('the deadline holds when the answer comes just before or after it', async t => {
  // A receiver that answers each request after `delay` ms: far before the deadline → the status;
  // far after → a timeout. Steps, not a race: the margins are 10× the time a loopback answer takes.
  const late = await receiver(async () => {
    await new Promise(resolve => setTimeout(resolve, 3000))
    return { status: 200 }
  })
  t.teardown(late.close)
  const quick = await receiver(() => ({ status: 202 }))
  t.teardown(quick.close)
  t.match(await sendWebhook(subscriptionCodec, quick.url, subscription, { ...base, timeoutMs: 3000 }), { ok: true, status: 202, attempts: 1 })
  t.match(await sendWebhook(subscriptionCodec, late.url, subscription, { ...base, timeoutMs: 100, retry: { attempts: 1 } }), { ok: false, error: 'timeout', attempts: 1 })
})

t.test('timer limits: delays above 2³¹ − 1 ms are refused, not turned into 1 ms', async t => {
  t.equal(MAX_TIMER_MS, 2 ** 31 - 1)
  const rx = await receiver(() => ({ status: 503, headers: { 'retry-after': '86400' } }))
  t.teardown(rx.close)
  const tooLong = [MAX_TIMER_MS + 1, 2 ** 31 + 0.5, 2 ** 32, 2 ** 32 + 1, 2 ** 53, Number.MAX_VALUE, Infinity]
  for (const value of tooLong) {
    t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...base, timeoutMs: value }), { attempts: 0, error: /^invalid options: timeoutMs .*2147483647/ }, `timeoutMs ${value}`)
    t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...base, retry: { attempts: 2, maxDelayMs: value } }), { attempts: 0, error: /^invalid options: retry\.minDelayMs and retry\.maxDelayMs .*2147483647/ }, `maxDelayMs ${value}`)
    t.match(await sendWebhook(subscriptionCodec, rx.url, subscription, { ...base, retry: { attempts: 2, minDelayMs: value } }), { attempts: 0, error: /^invalid options: retry\.minDelayMs/ }, `minDelayMs ${value}`)
  }
  t.equal(rx.requests.length, 0, 'nothing was sent with a refused policy')
  // At the limit itself: accepted, and a Retry-After of a day is a day's wait, capped at the limit.
  for (const maxDelayMs of [MAX_TIMER_MS, MAX_TIMER_MS - 1, 86_400_000]) {
    const waits: number[] = []
    const outcome = await sendWebhook(subscriptionCodec, rx.url, subscription, {
      ...base, timeoutMs: MAX_TIMER_MS, retry: { attempts: 2, maxDelayMs }, sleep: async ms => { waits.push(ms) },
    })
    t.match(outcome, { ok: false, status: 503, attempts: 2 })
    t.strictSame(waits, [86_400_000], `Retry-After: 86400 waits 86,400,000 ms (maxDelayMs ${maxDelayMs})`)
  }
  // The real timer with the longest allowed deadline does not fire early.
  const slow = await receiver(async () => {
    await new Promise(resolve => setTimeout(resolve, 50))
    return { status: 200 }
  })
  t.teardown(slow.close)
  t.match(await sendWebhook(subscriptionCodec, slow.url, subscription, { ...base, timeoutMs: MAX_TIMER_MS }), { ok: true, status: 200, attempts: 1 })
})

t.test('500 concurrent sends against a mix of faulty receivers: 0 unsettled, 0 lost', async t => {
  const kinds = Object.entries(peers)
  const receivers = await Promise.all(kinds.map(async ([name, peer]) => ({ name, peer, rx: await faulty(peer.behaviour) })))
  t.teardown(() => Promise.all(receivers.map(r => r.rx.close())))
  const healthy = await receiver(() => ({ status: 204 }))
  t.teardown(healthy.close)
  const targets = [...receivers.map(r => ({ name: r.name, url: r.rx.url, expect: r.peer.expect })), { name: 'healthy', url: healthy.url, expect: isStatus(204, true) }]
  const total = 500
  // 500 connections opened at once take about 0.6 s on an idle 2-core machine before the last
  // answer: the deadline is 25× that, so that a timeout here means the peer's fault even on a
  // machine shared with other heavy work.
  const mix = { ...base, timeoutMs: 15_000 }
  const mixBound = mix.retry.attempts * (mix.timeoutMs + mix.retry.maxDelayMs)
  let settled = 0
  const sends = Array.from({ length: total }, (_, i) => {
    const target = targets[i % targets.length]!
    // Half through send(), half through prepareDelivery + deliver (what a queue worker runs).
    const run = async (): Promise<SendOutcome> => {
      if (i % 2 === 0) return await sendWebhook(subscriptionCodec, target.url, subscription, mix)
      const prepared = await prepareDelivery(subscriptionCodec, target.url, subscription, { allowPrivateNetwork: true })
      if (!prepared.ok) return prepared.outcome
      return await deliver(prepared.job, mix)
    }
    return run().then(outcome => { settled++; return { target, outcome } })
  })
  // The watchdog is 5× the policy's bound (an idle machine needs about the bound): a send that
  // has not settled by then never will.
  const all = await within(Promise.all(sends).then(() => ({ ok: true }) as unknown as SendOutcome), 5 * mixBound)
  t.equal(total - settled, 0, 'unsettled sends')
  t.not(all, 'unsettled')
  const results = await Promise.all(sends)
  const dishonest = results.filter(r => !r.target.expect(r.outcome)).map(r => `${r.target.name}: ${JSON.stringify(r.outcome)}`)
  t.strictSame(dishonest.slice(0, 5), [], 'every outcome says what the receiver did')
  const attempts = results.reduce((sum, r) => sum + r.outcome.attempts, 0)
  const connections = receivers.reduce((sum, r) => sum + r.rx.connections(), 0) + healthy.requests.length
  t.equal(connections, attempts, 'lost: every attempt reached a receiver, and every connection is an attempt the sender counted')
  t.ok(results.every(r => r.outcome.attempts >= 1 && r.outcome.attempts <= mix.retry.attempts), 'attempts within the policy')
  t.equal(healthy.requests.length, results.filter(r => r.target.name === 'healthy').length, 'every healthy delivery arrived once')
})

t.test('no unhandled rejection during the suite', async t => {
  t.equal(unhandled.count(), 0)
})
