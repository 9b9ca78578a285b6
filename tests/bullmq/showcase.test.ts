// The showcase scales out: with redisUrl its webhooks go through the queue and its receiver's
// replay protection is shared through Redis; without it, everything stays in-process.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { build, webhookSecret } from '../../playground/app.js'
import { queueKey } from '../../playground/scale.js'
import { deliveryWorker } from '../../src/bullmq/index.js'
import { signWebhook } from '../../src/webhooks/sign.js'
import { startRedis } from './redis-server.js'

const server = await startRedis()
t.teardown(server.stop)

async function listening (app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/item-created`
}

async function until (check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

const newItem = { name: 'Meeseeks box', price: 12 }

for (const mode of ['redis', 'in-process'] as const) {
  t.test(`${mode}: item-created goes from one instance to another's receiver, once`, async t => {
    const redisUrl = mode === 'redis' ? server.url : undefined
    const receiverApp = await build({ redisUrl })
    t.teardown(() => receiverApp.close())
    const url = await listening(receiverApp)
    const shop = await build({ redisUrl, itemCreatedTarget: { url, secret: webhookSecret } })
    t.teardown(() => shop.close())
    if (mode === 'redis') {
      const running = deliveryWorker({ connection: { host: server.host, port: server.port }, integrityKey: queueKey, secret: () => webhookSecret, allowPrivateNetwork: true })
      t.teardown(() => running.close())
    }
    const created = await shop.inject({ method: 'POST', url: '/items/', payload: newItem })
    t.equal(created.statusCode, 201)
    const id = created.json().id as string
    await until(async () => (await receiverApp.inject('/internal/webhooks')).json().received === 1)
    t.same((await receiverApp.inject('/internal/webhooks')).json(), { mode, received: 1, last: [id] })

    // The same signed message at both instances: with Redis, one replay store for both.
    const body = JSON.stringify({ id: `replayed-${mode}`, name: 'x', price: 1, tags: [] })
    const timestamp = Math.floor(Date.now() / 1000)
    const headers = { 'content-type': 'application/json', 'webhook-id': `msg_replayed_${mode}`, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(webhookSecret, `msg_replayed_${mode}`, timestamp, body) }
    const first = await receiverApp.inject({ method: 'POST', url: '/hooks/item-created', headers, payload: body })
    const second = await shop.inject({ method: 'POST', url: '/hooks/item-created', headers, payload: body })
    t.same(first.json(), { received: true })
    t.same(second.json(), mode === 'redis' ? { received: true, replay: true } : { received: true }, mode === 'redis' ? 'a replay at the other instance' : 'separate memory stores')
    const forged = await shop.inject({ method: 'POST', url: '/hooks/item-created', headers: { ...headers, 'webhook-id': 'msg_forged' }, payload: body })
    t.equal(forged.statusCode, 401)
  })
}
