/**
 * The consumer side of `routecraft/bullmq`: a BullMQ worker that delivers queued webhooks, one
 * attempt per queue try. The queue owns the waiting (a custom backoff strategy: exponential
 * with jitter over hours, or the receiver's `Retry-After`), so a crash or a deploy loses no
 * pending retry. The worker holds the secrets, re-applies the SSRF guard when it connects, and
 * refuses any job whose seal does not match.
 */
import { UnrecoverableError, Worker } from 'bullmq'
import type { ConnectionOptions, Job } from 'bullmq'
import { routecraftError } from '../errors.js'
import { attemptDelivery, isRetryable } from '../webhooks/index.js'
import { MAX_TIMER_MS } from '../webhooks/retry.js'
import { detailOf } from '../webhooks/job.js'
import { within } from './within.js'
import type { DeliveryJob, SendOutcome } from '../webhooks/index.js'
import { defaultQueueName, ignoreError } from './dispatcher.js'
import { integrityKeys, sealMatches } from './integrity.js'
import type { QueuedDelivery } from './integrity.js'

/**
 * Options of {@link deliveryWorker}.
 *
 * @example
 * ```ts
 * const options: DeliveryWorkerOptions = {
 *   connection: { host: 'localhost', port: 6379 }, integrityKey: process.env.QUEUE_KEY!,
 *   secret: job => secrets[job.event]!,
 * }
 * ```
 */
export interface DeliveryWorkerOptions {
  /** BullMQ's: ioredis options or an ioredis instance. */
  connection: ConnectionOptions
  /** Default `routecraft-webhooks`. */
  queueName?: string
  /** The signing secret(s) for a job, looked up by the worker (jobs never hold one). A rejection, or no answer within `timeoutMs`, is retried. */
  secret: (job: DeliveryJob) => string | readonly string[] | Promise<string | readonly string[]>
  /** The key(s) the producers seal jobs with. */
  integrityKey: string | readonly string[]
  /** Jobs delivered at once by this worker. Default 16. */
  concurrency?: number
  /** Per attempt, from the request to the response headers, and for the `secret` lookup. Default 10 000; at most 2³⁰ − 1 (the job lock lasts twice as long). */
  timeoutMs?: number
  /** Tries in all (default 15); the n-th wait is in [c/2, c) with c = min(maxDelayMs, minDelayMs × 2^(n−1)) (defaults 10 s and 4 h): about half a day to a day in all. */
  retry?: { attempts?: number; minDelayMs?: number; maxDelayMs?: number }
  /** Turns the SSRF guard off (tests, internal services). Default false. */
  allowPrivateNetwork?: boolean
  /** Connection and processing errors BullMQ reports. Default: ignored. */
  onError?: (err: Error) => void
}

/**
 * A running delivery worker: the BullMQ `worker` itself, and `close()`, which stops taking
 * jobs and resolves once the attempts in flight have finished (each is bounded by
 * `timeoutMs`). A worker killed outright hands its jobs back: BullMQ sees them stalled and
 * another worker takes them.
 *
 * @example
 * ```ts
 * process.on('SIGTERM', () => { void running.close() })
 * ```
 */
export interface DeliveryWorker {
  readonly worker: Worker<QueuedDelivery, SendOutcome>
  close(): Promise<void>
}

/** The retry policy `queueBackoff` spreads over queue tries. */
export interface Policy { attempts: number; minDelayMs: number; maxDelayMs: number }

/** A try that may succeed later; carries the receiver's `Retry-After` to the backoff strategy. */
class RetryLater extends Error {
  constructor (message: string, readonly retryAfterMs: number | undefined) {
    super(message)
  }
}

/**
 * The wait before try `attemptsMade + 1`: the receiver's `Retry-After` when it gave one (capped
 * at `maxDelayMs`), otherwise exponential with equal jitter, in [c/2, c) for
 * c = min(maxDelayMs, minDelayMs × 2^(attemptsMade − 1)): never bunched at zero, spread enough
 * that many jobs failing together do not come back together.
 *
 * @example
 * ```ts
 * const wait = queueBackoff({ attempts: 15, minDelayMs: 10_000, maxDelayMs: 14_400_000 })
 * wait(1) // 5 000 to 10 000 ms
 * ```
 */
export function queueBackoff (policy: Policy, random: () => number = Math.random): (attemptsMade: number, type?: string, err?: Error) => number {
  return (attemptsMade, _type, err) => {
    if (err instanceof RetryLater && err.retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, err.retryAfterMs)
    const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.max(0, attemptsMade - 1))
    return Math.round(ceiling / 2 + random() * ceiling / 2)
  }
}

function checkOptions (options: DeliveryWorkerOptions): Policy {
  const { attempts = 15, minDelayMs = 10_000, maxDelayMs = 4 * 3_600_000 } = options?.retry ?? {}
  const { concurrency = 16, timeoutMs = 10_000, queueName = defaultQueueName } = options ?? {}
  const count = (n: unknown): boolean => Number.isInteger(n) && (n as number) >= 1
  const ms = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0
  if (options?.connection === undefined || typeof options.secret !== 'function' || typeof queueName !== 'string' || queueName === '' ||
    !count(concurrency) || !count(attempts) || !ms(timeoutMs) || timeoutMs > MAX_TIMER_MS / 2 || !ms(minDelayMs) || !ms(maxDelayMs)) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'worker', { maxTimeout: Math.floor(MAX_TIMER_MS / 2) })
  }
  return { attempts, minDelayMs, maxDelayMs }
}

/**
 * The app's secret lookup, with the attempt's deadline: a lookup that never settles is retried
 * later instead of holding the job (and a slot of the worker) forever.
 */
function lookupSecret (lookup: DeliveryWorkerOptions['secret'], delivery: DeliveryJob, timeoutMs: number): Promise<string | readonly string[]> {
  return within((async () => await lookup(delivery))(), timeoutMs, `no answer within ${timeoutMs} ms`)
}

function attemptsSoFar (progress: unknown): number {
  return typeof progress === 'object' && progress !== null && typeof (progress as SendOutcome).attempts === 'number' ? (progress as SendOutcome).attempts : 0
}

/**
 * Starts a BullMQ worker that delivers the jobs of `queueDispatcher`. Per job: refuse it if
 * its seal does not match (`invalid job: integrity check failed`, never sent); look up its
 * secret; make one attempt (signed afresh, timed out, SSRF-guarded at connect time); record
 * the outcome on the job (`job.progress` while it runs, `job.returnvalue` when delivered).
 * A 2xx completes the job; a timeout, a network error, 408, 429 or 5xx is tried again after
 * the backoff (or the receiver's `Retry-After`); any other answer, a refused target, or the
 * last allowed try fails the job for good.
 *
 * @example
 * ```ts
 * import { deliveryWorker } from 'routecraft/bullmq'
 *
 * const running = deliveryWorker({
 *   connection: { host: 'localhost', port: 6379 }, integrityKey: process.env.QUEUE_KEY!,
 *   secret: job => secrets[job.event]!, concurrency: 32,
 * })
 * ```
 */
export function deliveryWorker (options: DeliveryWorkerOptions): DeliveryWorker {
  const policy = checkOptions(options)
  const keys = integrityKeys(options.integrityKey, 'deliveryWorker')
  const { connection, queueName = defaultQueueName, concurrency = 16, timeoutMs = 10_000, allowPrivateNetwork = false, onError = ignoreError } = options

  const handle = async (job: Job<QueuedDelivery, SendOutcome>): Promise<SendOutcome> => {
    if (!sealMatches(keys, job.data)) throw new UnrecoverableError('invalid job: integrity check failed')
    const { delivery } = job.data
    let secret: string | readonly string[]
    try {
      secret = await lookupSecret(options.secret, delivery, timeoutMs)
    } catch (err) {
      throw new RetryLater(`secret lookup failed: ${detailOf(err)}`, undefined)
    }
    const { outcome: one, retryAfterMs } = await attemptDelivery(delivery, { secret, timeoutMs, allowPrivateNetwork })
    const outcome: SendOutcome = { ...one, attempts: attemptsSoFar(job.progress) + one.attempts, durationMs: Math.max(0, Date.now() - job.timestamp) }
    await job.updateProgress(outcome)
    if (outcome.ok) return outcome
    const reason = one.error ?? `HTTP ${one.status}`
    if (!isRetryable(one) || outcome.attempts >= policy.attempts) throw new UnrecoverableError(reason)
    throw new RetryLater(reason, retryAfterMs)
  }

  const worker = new Worker<QueuedDelivery, SendOutcome>(queueName, handle, {
    connection,
    concurrency,
    settings: { backoffStrategy: queueBackoff(policy) },
    // The lock outlives any attempt; a worker killed outright loses it and its jobs go back.
    lockDuration: Math.max(30_000, 2 * timeoutMs),
    // A crash or a Redis restart can stall a job more than once; failing it then would lose it.
    maxStalledCount: 10,
  })
  worker.on('error', onError)
  return { worker, close: () => worker.close() }
}

