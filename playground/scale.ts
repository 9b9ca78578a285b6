/**
 * How the showcase sends and receives webhooks: in this process by default, or, with
 * `REDIS_URL`, through a BullMQ queue (delivered by `npm run worker`, see worker.ts) and with
 * replay protection shared through Redis by every instance of the shop.
 */
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'
import { memoryReplayStore } from '../src/index.js'
import { prepareDelivery } from '../src/webhooks/index.js'
import type { ReplayStore, WebhookCodec } from '../src/index.js'
import { queueDispatcher } from '../src/bullmq/index.js'
import { redisReplayStore } from '../src/redis/index.js'

/** The key the shop's producers and workers seal queued jobs with (set your own in production). */
export const queueKey = process.env.WEBHOOK_QUEUE_KEY ?? 'routecraft-showcase-queue-key-change-me'

export interface Delivery {
  /** Fire and forget: the outcome is logged. */
  send<T>(hook: { codec: WebhookCodec<T>; send: (url: string, payload: T, options: { secret: string; allowPrivateNetwork: boolean; retry: { attempts: number; minDelayMs: number } }) => Promise<unknown> }, url: string, payload: T, secret: string): void
  replayStore: ReplayStore
  mode: 'in-process' | 'redis'
  close(): Promise<void>
}

export function inProcess (log: FastifyBaseLogger): Delivery {
  return {
    mode: 'in-process',
    send (hook, url, payload, secret) {
      void hook.send(url, payload, { secret, allowPrivateNetwork: true, retry: { attempts: 3, minDelayMs: 50 } })
        .then(outcome => { log.info({ outcome }, `${hook.codec.name} webhook`) })
    },
    replayStore: memoryReplayStore(),
    close: async () => {},
  }
}

export function throughRedis (redisUrl: string, log: FastifyBaseLogger): Delivery {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  connection.on('error', err => { log.warn({ err }, 'redis') })
  const dispatcher = queueDispatcher({ connection, integrityKey: queueKey, onError: err => { log.warn({ err }, 'webhook queue') } })
  return {
    mode: 'redis',
    send (hook, url, payload) {
      // The secret stays here: the worker holds its own copy, the queue never sees it.
      void prepareDelivery(hook.codec, url, payload, { allowPrivateNetwork: true })
        .then(prepared => prepared.ok ? dispatcher.dispatch(prepared.job) : prepared.outcome)
        .then(outcome => { log.info({ outcome }, `${hook.codec.name} webhook`) })
    },
    replayStore: redisReplayStore(connection, { prefix: 'shop:webhook-id:' }),
    close: async () => {
      await dispatcher.close()
      connection.disconnect()
    },
  }
}
