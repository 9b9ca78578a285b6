/**
 * Sending webhooks: validate, serialize once, sign per attempt, POST with a timeout, retry
 * with backoff, guard against SSRF. Every failure is an outcome value: a sender in a request
 * handler or a queue worker must never crash on a receiver's bad day.
 *
 * Sending is two steps so that a durable queue can sit between them without an API change:
 * {@link prepareDelivery} turns a payload into a JSON-serialisable {@link DeliveryJob} (no
 * secrets in it), and {@link deliver} performs a job. {@link sendWebhook} is both in a row; a
 * {@link WebhookDispatcher} is where a queue plugs in (see docs/webhooks.md).
 */
import { performance } from 'node:perf_hooks'
import { errorDetail } from '../errors.js'
import type { WebhookCodec } from './codec.js'
import { signingKeys } from './sign.js'
import { refuseUrl } from './ssrf.js'
import { attempt } from './attempt.js'
import { checkPolicy, defaultSleep, retryable, retryAfterMs } from './retry.js'
import { checkJob, detailOf, prepareDelivery, refused, type DeliverOptions, type DeliveryHooks, type DeliveryJob, type SendOptions, type SendOutcome, type WebhookDispatcher } from './job.js'

export type { DeliverOptions, DeliveryHooks, DeliveryJob, PrepareOptions, PrepareResult, SendOptions, SendOutcome, WebhookDispatcher, WebhookRequest, WebhookTransport } from './job.js'
export { prepareDelivery } from './job.js'
export { isRetryable, MAX_TIMER_MS } from './retry.js'

/**
 * Delivers a job: signs each attempt afresh (same `webhook-id`, new timestamp), times each
 * attempt out, retries network errors, timeouts, 408, 429 and 5xx with full-jitter exponential
 * backoff (or the receiver's `Retry-After`, capped), stops at once on any other status
 * (redirects are not followed: they could point at a private address). Never rejects.
 *
 * @example
 * ```ts
 * // in a queue worker
 * const outcome = await deliver(job.data, { secret: secrets[job.data.event]!, retry: { attempts: 1 } })
 * ```
 */
export async function deliver (job: DeliveryJob, options: DeliverOptions): Promise<SendOutcome> {
  return (await deliverReporting(job, options)).outcome
}

/**
 * What one try of a job came to, for a queue that owns the retries: the outcome of a single
 * attempt, and the receiver's `Retry-After` (in ms, uncapped) when it asked to wait.
 *
 * @example
 * ```ts
 * const attempt: AttemptResult = await attemptDelivery(job, { secret })
 * ```
 */
export interface AttemptResult { outcome: SendOutcome; retryAfterMs?: number }

/**
 * Makes ONE attempt at a job (`retry` is ignored): signed, timed out and SSRF-guarded like
 * {@link deliver}. Besides the outcome it reports the receiver's `Retry-After`, so that a queue
 * can delay the job by what the receiver asked for. Never rejects.
 *
 * @example
 * ```ts
 * const { outcome, retryAfterMs } = await attemptDelivery(job.data, { secret })
 * if (isRetryable(outcome)) await reschedule(job, retryAfterMs ?? backoff(job.attempts))
 * ```
 */
export async function attemptDelivery (job: DeliveryJob, options: Omit<DeliverOptions, 'retry'>): Promise<AttemptResult> {
  return deliverReporting(job, { ...options, retry: { attempts: 1 } })
}

async function deliverReporting (job: DeliveryJob, options: DeliverOptions): Promise<AttemptResult> {
  const started = performance.now()
  const webhookId = typeof job?.webhookId === 'string' ? job.webhookId : ''
  const ready = checkDelivery(job, options)
  if (typeof ready === 'string') return { outcome: refused(webhookId, started, ready) }
  const { url, keys, policy, guarded } = ready
  const { signal, sleep = defaultSleep, random = Math.random } = options
  const body = Buffer.from(job.body)
  let attempts = 0
  let status: number | undefined
  let error: string | undefined
  let wait: number | undefined
  for (;;) {
    if (signal?.aborted === true) {
      error = 'aborted'
      break
    }
    attempts++
    const result = await attempt({ url, job, body, keys, timeoutMs: policy.timeoutMs, guarded, resolve: options.resolve, signal, transport: options.transport })
    let again: boolean
    wait = undefined
    if ('status' in result) {
      status = result.status
      error = undefined
      again = retryable(result.status)
      wait = retryAfterMs(result.retryAfter)
    } else {
      error = result.error
      again = result.retryable
    }
    if (!again || attempts >= policy.attempts) break
    const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempts - 1))
    try {
      const delay = wait === undefined ? Math.floor(jitter(random) * ceiling) : Math.min(policy.maxDelayMs, wait)
      await boundedSleep(sleep, delay, signal)
    } catch (err) {
      // The hooks are user code; "never rejects" holds for them too.
      error = `internal error: ${detailOf(err)}`
      break
    }
  }
  const outcome: SendOutcome = { ok: status !== undefined && error === undefined && status >= 200 && status < 300, attempts, durationMs: Math.round(performance.now() - started), webhookId }
  if (status !== undefined) outcome.status = status
  if (error !== undefined) outcome.error = error
  return wait === undefined ? { outcome } : { outcome, retryAfterMs: wait }
}

/** `random()` as a fraction in [0, 1]; anything else (NaN, 7, a string) counts as 1. */
function jitter (random: () => number): number {
  const r = random()
  return typeof r === 'number' && r >= 0 && r <= 1 ? r : 1
}

/**
 * The `sleep` hook, bounded like an attempt: it ends when the hook settles or, at the latest,
 * when the delay has passed on a real timer (or the signal aborts), so a hook that never
 * settles cannot wedge a send.
 */
async function boundedSleep (sleep: NonNullable<DeliveryHooks['sleep']>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<void>(resolve => { timer = setTimeout(resolve, ms) })
  try {
    await Promise.race([sleep(ms, signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** What a delivery needs, checked before any attempt; or why it is refused. */
function checkDelivery (job: DeliveryJob, options: DeliverOptions): { url: URL; keys: Buffer[]; policy: Exclude<ReturnType<typeof checkPolicy>, string>; guarded: boolean } | string {
  const jobProblem = checkJob(job)
  if (jobProblem !== undefined) return `invalid job: ${jobProblem}`
  const policy = checkPolicy(options)
  if (typeof policy === 'string') return `invalid options: ${policy}`
  let keys: Buffer[]
  try {
    keys = signingKeys(options.secret)
  } catch (err) {
    return `invalid secret: ${detailOf(err)}`
  }
  let url: URL
  try {
    url = new URL(job.url)
  } catch {
    return errorDetail('RC_ERR_WEBHOOK_TARGET', 'refused', { reason: 'not a valid URL' })
  }
  const guarded = options.allowPrivateNetwork !== true
  const refusal = refuseUrl(url, !guarded)
  if (refusal !== undefined) return errorDetail('RC_ERR_WEBHOOK_TARGET', 'refused', { reason: refusal })
  return { url, keys, policy, guarded }
}

/**
 * Sends one webhook: {@link prepareDelivery} then {@link deliver}. Never rejects; every
 * failure is a {@link SendOutcome}.
 *
 * @example
 * ```ts
 * const outcome = await sendWebhook(newSubscription.codec, 'https://hooks.example.com/in',
 *   { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' },
 *   { secret: process.env.WEBHOOK_SECRET!, retry: { attempts: 5 } })
 * if (!outcome.ok) log.warn(outcome, 'webhook not delivered')
 * ```
 */
export async function sendWebhook<T> (codec: WebhookCodec<T>, url: string | URL, payload: T, options: SendOptions & DeliveryHooks): Promise<SendOutcome> {
  const started = performance.now()
  // Callers from plain JavaScript may leave the options out: that is an outcome too.
  const given = options ?? { secret: [] }
  const prepared = await prepareDelivery(codec, url, payload, given)
  if (!prepared.ok) return { ...prepared.outcome, durationMs: Math.round(performance.now() - started) }
  const outcome = await deliver(prepared.job, given)
  return { ...outcome, durationMs: Math.round(performance.now() - started) }
}

/**
 * The default dispatcher: delivers in this process, with this policy.
 *
 * @example
 * ```ts
 * const dispatcher = memoryDispatcher({ secret, retry: { attempts: 5 } })
 * const outcome = await dispatcher.dispatch(job)
 * ```
 */
export function memoryDispatcher (options: DeliverOptions): WebhookDispatcher {
  return { dispatch: job => deliver(job, options) }
}
