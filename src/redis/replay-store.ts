/**
 * `routecraft/redis`: replay protection shared by every instance of a receiving service. A
 * verified `webhook-id` is recorded with `SET key 1 NX PX ttl`, which records it and says
 * whether it was new in one atomic step, so two copies of one message that reach two instances
 * at the same moment cannot both pass.
 *
 * Nothing here imports a Redis client: any client with ioredis's `set` and `exists` fits (the
 * one BullMQ brings along does).
 */
import { routecraftError } from '../errors.js'
import type { ReplayStore } from '../webhooks/replay-store.js'

/**
 * The two commands the store uses, as ioredis spells them.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * const client: ReplayClient = new Redis(process.env.REDIS_URL!)
 * ```
 */
export interface ReplayClient {
  set(key: string, value: string, px: 'PX', ttlMs: number): Promise<unknown>
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>
  exists(...keys: string[]): Promise<number>
}

/**
 * A {@link ReplayStore} on Redis, with the semantics of `memoryReplayStore`: an id is seen
 * while its TTL runs, and `addIfAbsent` records it only if it is new. Keys are `prefix` + id
 * (default `routecraft:webhook-id:`); they expire by themselves. A Redis error rejects, so
 * `verifyWebhook` rejects and the request fails (the sender retries later): a message is
 * never let through unchecked.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis'
 * import { redisReplayStore } from 'routecraft/redis'
 *
 * const replayStore = redisReplayStore(new Redis(process.env.REDIS_URL!))
 * await verifyWebhook(hook, rawBody, request.headers, secret, { replayStore })
 * ```
 */
export function redisReplayStore (client: ReplayClient, options: { prefix?: string } = {}): ReplayStore {
  const { prefix = 'routecraft:webhook-id:' } = options
  if (typeof client?.set !== 'function' || typeof client.exists !== 'function') {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'redisClient')
  }
  if (typeof prefix !== 'string') throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'redisPrefix')
  // PX takes a positive integer: a fraction or zero would be a Redis error, not an expiry.
  const px = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs))
  return {
    has: async id => (await client.exists(prefix + id)) > 0,
    add: async (id, ttlMs) => {
      // A plain SET (no NX) overwrites and restarts the TTL, as memoryReplayStore's add does.
      await client.set(prefix + id, '1', 'PX', px(ttlMs))
    },
    addIfAbsent: async (id, ttlMs) => (await client.set(prefix + id, '1', 'PX', px(ttlMs), 'NX')) === 'OK',
  }
}
