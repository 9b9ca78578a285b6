/**
 * The retry policy of a delivery: the options that set it, which answers are worth another
 * try, how long to wait before it.
 */
import type { DeliverOptions, SendOutcome } from './job.js'

export interface Policy { timeoutMs: number; attempts: number; minDelayMs: number; maxDelayMs: number }

/** The longest delay a Node timer keeps (2³¹ − 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647

function delay (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_TIMER_MS
}

export function checkPolicy (options: DeliverOptions): Policy | string {
  const { timeoutMs = 10_000, retry } = options
  if (!delay(timeoutMs) || timeoutMs === 0) return `timeoutMs must be a positive number of milliseconds, at most ${MAX_TIMER_MS}`
  if (retry === undefined) return { timeoutMs, attempts: 3, minDelayMs: 500, maxDelayMs: 30_000 }
  const { attempts, minDelayMs = 500, maxDelayMs = 30_000 } = retry
  if (!Number.isInteger(attempts) || attempts < 1) return 'retry.attempts must be an integer of at least 1'
  if (!delay(minDelayMs) || !delay(maxDelayMs)) return `retry.minDelayMs and retry.maxDelayMs must be numbers of milliseconds from 0 to ${MAX_TIMER_MS}`
  return { timeoutMs, attempts, minDelayMs, maxDelayMs }
}

export function retryable (status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** `Retry-After` as delay-seconds or an HTTP-date, in ms; undefined when absent or unreadable. */
export function retryAfterMs (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

export function defaultSleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Whether another try could succeed: no 2xx yet, and the last attempt timed out, failed on the
 * network, or was answered 408, 429 or 5xx. For queue workers that deliver with
 * `retry: { attempts: 1 }` and leave retrying to the queue.
 *
 * @example
 * ```ts
 * const outcome = await deliver(job.data, { secret, retry: { attempts: 1 } })
 * if (isRetryable(outcome)) throw new Error(outcome.error ?? `HTTP ${outcome.status}`) // the queue retries
 * ```
 */
export function isRetryable (outcome: SendOutcome): boolean {
  if (outcome.ok || outcome.attempts === 0) return false
  if (outcome.error !== undefined) return outcome.error === 'timeout' || outcome.error.startsWith('network error: ')
  return retryable(outcome.status!)
}
