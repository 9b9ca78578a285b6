import t from 'tap'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { redisReplayStore } from '../../src/redis/index.js'
import type { ReplayClient } from '../../src/redis/index.js'
import { verifyWebhook, WebhookVerificationError } from '../../src/webhooks/verify.js'
import { signWebhook } from '../../src/webhooks/sign.js'
import { memoryReplayStore } from '../../src/webhooks/replay-store.js'
import type { ReplayStore } from '../../src/webhooks/replay-store.js'
import { RoutecraftError } from '../../src/errors.js'
import { SECRET, subscription, subscriptionHook, trackUnhandledRejections } from '../support/webhooks.js'
import { startRedis } from '../bullmq/redis-server.js'

const unhandled = trackUnhandledRejections()
const server = await startRedis()
t.teardown(server.stop)
const clients: Redis[] = []
function client (): Redis {
  const c = new Redis(server.port, server.host, { lazyConnect: false, maxRetriesPerRequest: 1 })
  clients.push(c)
  return c
}
t.teardown(() => { for (const c of clients) c.disconnect() })

// ioredis's client fits the structural type the store asks for.
const typed: ReplayClient = client()
void typed

t.test('has / add / addIfAbsent behave as memoryReplayStore does', async t => {
  const redis = client()
  const stores: Array<[string, ReplayStore]> = [['memory', memoryReplayStore()], ['redis', redisReplayStore(redis, { prefix: 'same:' })]]
  for (const [name, store] of stores) {
    t.equal(await store.has('msg_a'), false, `${name}: unknown id`)
    await store.add('msg_a', 60_000)
    t.equal(await store.has('msg_a'), true, `${name}: recorded id`)
    t.equal(await store.addIfAbsent!('msg_a', 60_000), false, `${name}: not new`)
    t.equal(await store.addIfAbsent!('msg_b', 60_000), true, `${name}: new`)
    t.equal(await store.has('msg_b'), true, `${name}: addIfAbsent recorded it`)
  }
  t.equal(await redis.get('same:msg_a'), '1', 'keys are the prefix + the id')
  const ttl = await redis.pttl('same:msg_b')
  t.ok(ttl > 50_000 && ttl <= 60_000, 'the TTL is set in milliseconds')
  await redisReplayStore(redis, { prefix: 'same:' }).add('msg_b', 0.5)
  t.ok(await redis.pttl('same:msg_b') <= 1, 'add overwrites and restarts the TTL; fractions round up to at least 1 ms')
})

t.test('the default prefix, and expiry', async t => {
  const redis = client()
  const store = redisReplayStore(redis)
  t.equal(await store.addIfAbsent!('msg_long', 60_000), true)
  t.equal(await redis.exists('routecraft:webhook-id:msg_long'), 1, 'the default prefix')
  t.equal(await store.addIfAbsent!('msg_short', 30), true)
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(await store.has('msg_short'), false, 'gone after its TTL')
  t.equal(await store.addIfAbsent!('msg_short', 30), true, 'and new again')
})

t.test('addIfAbsent is atomic: of 50 racing calls on 5 connections, one wins', async t => {
  const stores = Array.from({ length: 5 }, () => redisReplayStore(client(), { prefix: 'race:' }))
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 5]!.addIfAbsent!('msg_race', 60_000)))
  t.equal(results.filter(Boolean).length, 1)
})

t.test('misuse is a RoutecraftError', async t => {
  t.throws(() => redisReplayStore(undefined as unknown as ReplayClient), RoutecraftError)
  t.throws(() => redisReplayStore({ set: async () => 'OK' } as unknown as ReplayClient), /pass a Redis client/)
  t.throws(() => redisReplayStore(client(), { prefix: 7 as unknown as string }), /prefix must be a string/)
})

async function receiverApp (store: ReplayStore, processed: string[]): Promise<FastifyInstance> {
  const app = Fastify()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
  app.post('/hooks', async (request, reply) => {
    try {
      const event = await verifyWebhook(subscriptionHook, request.body as Buffer, request.headers, SECRET, { replayStore: store })
      processed.push(event.username)
      return { received: true }
    } catch (err) {
      if (err instanceof WebhookVerificationError && err.reason === 'replay') return reply.code(200).send({ received: true, replay: true })
      throw err
    }
  })
  await app.ready()
  return app
}

t.test('replay protection across two app instances sharing Redis', async t => {
  const processed: string[] = []
  const one = await receiverApp(redisReplayStore(client()), processed)
  const two = await receiverApp(redisReplayStore(client()), processed)
  t.teardown(async () => { await one.close(); await two.close() })
  const body = JSON.stringify(subscription)
  const timestamp = Math.floor(Date.now() / 1000)
  const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_twice', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(SECRET, 'msg_twice', timestamp, body) }
  const [a, b] = await Promise.all([
    one.inject({ method: 'POST', url: '/hooks', headers, payload: body }),
    two.inject({ method: 'POST', url: '/hooks', headers, payload: body }),
  ])
  t.equal(a.statusCode, 200)
  t.equal(b.statusCode, 200)
  t.same(processed, ['rick'], 'processed once, though both instances got it at the same moment')
  t.equal([a.json().replay, b.json().replay].filter(Boolean).length, 1, 'the other instance saw a replay')
  const later = await two.inject({ method: 'POST', url: '/hooks', headers, payload: body })
  t.equal(later.json().replay, true)
  // With one store per instance (in memory), the same message is processed twice: the test can fail.
  const twice: string[] = []
  const three = await receiverApp(memoryReplayStore(), twice)
  const four = await receiverApp(memoryReplayStore(), twice)
  t.teardown(async () => { await three.close(); await four.close() })
  await three.inject({ method: 'POST', url: '/hooks', headers, payload: body })
  await four.inject({ method: 'POST', url: '/hooks', headers, payload: body })
  t.equal(twice.length, 2, 'the control: separate memory stores do not share')
})

t.test('Redis unreachable: verifyWebhook rejects (the request fails, the sender retries), no unhandled rejection', async t => {
  const dead = new Redis(1, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true })
  dead.on('error', () => {})
  const processed: string[] = []
  const app = await receiverApp(redisReplayStore(dead), processed)
  t.teardown(() => app.close())
  const body = JSON.stringify(subscription)
  const timestamp = Math.floor(Date.now() / 1000)
  const res = await app.inject({
    method: 'POST', url: '/hooks', payload: body,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_dead', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(SECRET, 'msg_dead', timestamp, body) },
  })
  t.equal(res.statusCode, 500, 'not processed without the replay check')
  t.same(processed, [])
  dead.disconnect()
})

t.test('no unhandled rejection', async t => {
  await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(unhandled.count(), 0)
})
