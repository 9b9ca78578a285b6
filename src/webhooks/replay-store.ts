/**
 * Replay protection for received webhooks: a verified `webhook-id` is remembered for as long as
 * its timestamp could still pass the tolerance check, so the same signed message cannot be
 * delivered twice (by an attacker who captured it, or by a sender's retry).
 */
import { routecraftError } from '../errors.js'

/**
 * Where seen webhook ids are kept. Synchronous or asynchronous (Redis, a database).
 * `addIfAbsent`, when present, is used instead of `has` + `add`: it must record the id and
 * answer whether it was new in one atomic step (Redis `SET key 1 NX PX ttl`), otherwise two
 * deliveries of the same message racing each other can both pass.
 *
 * @example
 * ```ts
 * const redisStore: ReplayStore = {
 *   has: async id => (await redis.exists(`whid:${id}`)) === 1,
 *   add: async (id, ttlMs) => { await redis.set(`whid:${id}`, '1', 'PX', ttlMs) },
 *   addIfAbsent: async (id, ttlMs) => (await redis.set(`whid:${id}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
 * }
 * ```
 */
export interface ReplayStore {
  has(id: string): boolean | Promise<boolean>
  add(id: string, ttlMs: number): void | Promise<void>
  addIfAbsent?(id: string, ttlMs: number): boolean | Promise<boolean>
}

/**
 * An in-process {@link ReplayStore}: entries expire after their TTL, and the oldest are dropped
 * beyond `maxEntries` (default 100 000) so memory stays bounded. Only verified messages are
 * recorded, so filling it takes validly signed traffic. One process only: behind a load
 * balancer, use a shared store.
 *
 * `now` (ms, default `Date.now`) is a seam for tests.
 *
 * @example
 * ```ts
 * const replayStore = memoryReplayStore({ maxEntries: 10_000 })
 * await verifyWebhook(hook, rawBody, headers, secret, { replayStore })
 * ```
 */
export function memoryReplayStore (options: { maxEntries?: number; now?: () => number } = {}): ReplayStore {
  const { maxEntries = 100_000, now = Date.now } = options
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'maxEntries')
  }
  // Insertion order is close to expiry order (one TTL per verifier), so expired entries
  // gather at the front, where `add` sweeps them.
  const expiries = new Map<string, number>()

  const has = (id: string): boolean => {
    const expiry = expiries.get(id)
    if (expiry === undefined) return false
    if (expiry > now()) return true
    expiries.delete(id)
    return false
  }

  const add = (id: string, ttlMs: number): void => {
    const at = now()
    for (const [key, expiry] of expiries) {
      if (expiry > at) break
      expiries.delete(key)
    }
    expiries.delete(id)
    expiries.set(id, at + ttlMs)
    if (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value!)
  }

  return {
    has,
    add,
    addIfAbsent (id, ttlMs) {
      if (has(id)) return false
      add(id, ttlMs)
      return true
    },
  }
}
