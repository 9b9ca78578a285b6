/**
 * The integrity check of queued jobs. Anyone who can write to Redis can rewrite a job; the
 * worker signs what it sends with the webhook secret, so without a check it would sign and
 * deliver whatever a tamperer put in the queue, to whatever URL. The producer therefore seals
 * every job with an HMAC-SHA256 over all its fields, under a key that only producers and
 * workers hold (never stored in the queue), and the worker refuses a job whose seal does not
 * match under any of its keys.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { routecraftError } from '../errors.js'
import type { DeliveryJob } from '../webhooks/index.js'

/**
 * What the queue holds for one webhook: the prepared job and its seal.
 *
 * @example
 * ```ts
 * const queued: QueuedDelivery = { delivery: prepared.job, seal: 'hmac-sha256:…' }
 * ```
 */
export interface QueuedDelivery { delivery: DeliveryJob; seal: string }

const minKeyLength = 32

/** The keys of an `integrityKey` option (the first seals, any verifies); throws on misuse. */
export function integrityKeys (option: unknown, where: string): Buffer[] {
  const list: unknown[] = Array.isArray(option) ? option : [option]
  if (list.length === 0 || list.some(k => typeof k !== 'string' || k.length < minKeyLength)) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'integrityKey', { where, min: minKeyLength })
  }
  return list.map(k => Buffer.from(k as string))
}

function mac (key: Buffer, job: DeliveryJob): Buffer {
  // Unambiguous: JSON of an array, every field in a fixed place, the purpose first. The
  // headers keep their order through Redis (JSON); a reordered object fails closed.
  const text = JSON.stringify(['routecraft-queued-delivery', job.v, job.event, job.url, job.method, job.webhookId, job.body, Object.entries(job.headers), job.createdAt])
  return createHmac('sha256', key).update(text).digest()
}

/** The seal of a job under the first key. */
export function seal (keys: readonly Buffer[], job: DeliveryJob): string {
  return `hmac-sha256:${mac(keys[0]!, job).toString('base64url')}`
}

/** Whether the queued data is a sealed job whose seal matches under one of the keys. */
export function sealMatches (keys: readonly Buffer[], data: unknown): data is QueuedDelivery {
  const queued = data as Partial<QueuedDelivery> | null
  const job = queued?.delivery
  if (typeof queued?.seal !== 'string' || !queued.seal.startsWith('hmac-sha256:') || typeof job !== 'object' || job === null) return false
  if (typeof job.headers !== 'object' || job.headers === null) return false
  const given = Buffer.from(queued.seal.slice('hmac-sha256:'.length), 'base64url')
  return keys.some(key => {
    const expected = mac(key, job)
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
