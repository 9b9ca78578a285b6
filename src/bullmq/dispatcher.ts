/**
 * The producer side of `routecraft/bullmq`: a {@link WebhookDispatcher} that stores each
 * prepared job in a BullMQ queue on Redis, where it survives restarts and waits for a
 * `deliveryWorker`. Every failure is an outcome value, as with `send()`.
 */
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Queue, QueueEvents } from 'bullmq'
import type { ConnectionOptions, Job, JobsOptions } from 'bullmq'
import { routecraftError } from '../errors.js'
import type { DeliveryJob, SendOutcome, WebhookDispatcher } from '../webhooks/index.js'
import { integrityKeys, seal } from './integrity.js'
import type { QueuedDelivery } from './integrity.js'
import { within } from './within.js'

/** The queue both sides use unless told otherwise. */
export const defaultQueueName = 'routecraft-webhooks'
/** The backoff type of queued jobs; `deliveryWorker` registers the strategy behind it. */
export const backoffType = 'routecraft-webhook'

/**
 * Options of {@link queueDispatcher}.
 *
 * @example
 * ```ts
 * const options: QueueDispatcherOptions = { connection: { host: 'localhost', port: 6379 }, integrityKey: process.env.QUEUE_KEY! }
 * ```
 */
export interface QueueDispatcherOptions {
  /** BullMQ's: ioredis options or an ioredis instance. */
  connection: ConnectionOptions
  /** Default `routecraft-webhooks`. */
  queueName?: string
  /** BullMQ job options, over routecraft's defaults (retention, the attempts ceiling, the backoff type). */
  jobOptions?: JobsOptions
  /** Seals every job (HMAC-SHA256); workers hold the same key. At least 32 characters; an array during a rotation (the first seals). */
  integrityKey: string | readonly string[]
  /** How long `dispatch` waits for the outcome. Default 0: it resolves once the job is stored, with `error: 'queued'`. */
  waitMs?: number
  /** How long storing a job may take before `dispatch` gives up with `queue unavailable: …`. Default 5000. */
  enqueueTimeoutMs?: number
  /** Connection errors of the queue (BullMQ keeps reconnecting). Default: ignored. */
  onError?: (err: Error) => void
}

/**
 * What a queue-backed send came to. Besides the {@link SendOutcome} fields: `error: 'queued'`
 * means stored and not finished yet (`attempts` made so far, the last one's `status` and
 * `lastError`); `error: 'queue unavailable: …'` means the job could not be stored in time.
 *
 * @example
 * ```ts
 * const outcome: QueuedOutcome = { ok: false, attempts: 2, durationMs: 61_000, webhookId: 'msg_x', status: 503, error: 'queued' }
 * ```
 */
export type QueuedOutcome = SendOutcome & { lastError?: string }

/**
 * The dispatcher {@link queueDispatcher} returns: `dispatch`, the stored `outcome` of any
 * webhook (for a dashboard or an audit), the BullMQ `queue` itself, and `close`.
 *
 * @example
 * ```ts
 * const record = await dispatcher.outcome('msg_4hG1xYcV0b2l9pQ7mN3sKw')
 * ```
 */
export interface QueueDispatcher extends WebhookDispatcher {
  dispatch(job: DeliveryJob): Promise<QueuedOutcome>
  /** The outcome kept for a webhook, `undefined` when the queue has no such job (never sent, or past retention). */
  outcome(webhookId: string): Promise<QueuedOutcome | undefined>
  readonly queue: Queue<QueuedDelivery, SendOutcome>
  /** Closes the queue's connections; jobs already stored stay for the workers. */
  close(): Promise<void>
}

const day = 86_400_000
const defaultJobOptions: JobsOptions = {
  // A ceiling: the worker's retry.attempts normally ends a job first.
  attempts: 100,
  backoff: { type: backoffType },
  // Kept for a dashboard or an audit, and so that enqueueing the same id again is a no-op.
  removeOnComplete: { age: 7 * day / 1000 },
  removeOnFail: { age: 30 * day / 1000 },
}

/**
 * The BullMQ job id of a webhook: the `webhook-id` itself, so that enqueueing a message twice
 * is a no-op; ids BullMQ refuses (integers, colons) are replaced by a hash of themselves.
 *
 * @example
 * ```ts
 * jobIdOf('msg_4hG1xYcV0b2l9pQ7mN3sKw') // 'msg_4hG1xYcV0b2l9pQ7mN3sKw'
 * ```
 */
export function jobIdOf (webhookId: string): string {
  if (!webhookId.includes(':') && String(parseInt(webhookId, 10)) !== webhookId) return webhookId
  return `h-${createHash('sha256').update(webhookId).digest('hex')}`
}

/** The default `onError`: BullMQ keeps reconnecting by itself; an unheard 'error' event would crash the process. */
export function ignoreError (): void {}

function lastAttempt (progress: unknown): SendOutcome | undefined {
  return typeof progress === 'object' && progress !== null && 'attempts' in progress ? progress as SendOutcome : undefined
}

function queued (webhookId: string, enqueuedAt: number, last: SendOutcome | undefined): QueuedOutcome {
  const outcome: QueuedOutcome = { ok: false, attempts: last?.attempts ?? 0, durationMs: Math.max(0, Date.now() - enqueuedAt), webhookId, error: 'queued' }
  if (last?.status !== undefined) outcome.status = last.status
  if (last?.error !== undefined) outcome.lastError = last.error
  return outcome
}

/** The message of a Redis call that did not answer in time. */
const redisLate = (ms: number, what: string): string => `no answer from Redis within ${ms} ms (${what})`

function checkOptions (options: QueueDispatcherOptions): void {
  const { waitMs = 0, enqueueTimeoutMs = 5000, queueName = defaultQueueName } = options ?? {}
  const ms = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0
  if (options?.connection === undefined || typeof queueName !== 'string' || queueName === '' || !ms(waitMs) || !ms(enqueueTimeoutMs) || enqueueTimeoutMs === 0) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'dispatcher')
  }
}

/**
 * A {@link WebhookDispatcher} on a BullMQ queue. `dispatch(job)` seals the job, stores it with
 * its `webhook-id` as the job id (enqueueing the same message twice is a no-op), and resolves
 * to a `queued` outcome at once, or, with `waitMs`, to the delivery's outcome when it comes
 * in time. It never rejects: when Redis does not answer within `enqueueTimeoutMs`, the outcome
 * is `queue unavailable: …` (the job may still land, and would then be delivered once).
 *
 * @example
 * ```ts
 * import { queueDispatcher } from 'routecraft/bullmq'
 *
 * const dispatcher = queueDispatcher({ connection: { host: 'localhost', port: 6379 }, integrityKey: process.env.QUEUE_KEY! })
 * const prepared = await prepareDelivery(itemCreated.codec, url, item)
 * const outcome = prepared.ok ? await dispatcher.dispatch(prepared.job) : prepared.outcome
 * ```
 */
export function queueDispatcher (options: QueueDispatcherOptions): QueueDispatcher {
  checkOptions(options)
  const keys = integrityKeys(options.integrityKey, 'queueDispatcher')
  const { connection, queueName = defaultQueueName, waitMs = 0, enqueueTimeoutMs = 5000, onError = ignoreError } = options
  const queue = new Queue<QueuedDelivery, SendOutcome>(queueName, { connection })
  queue.on('error', onError)
  const events = waitMs > 0 ? new QueueEvents(queueName, { connection }) : undefined
  events?.on('error', onError)
  const jobOptions: JobsOptions = { ...defaultJobOptions, ...options.jobOptions }

  const outcome = async (webhookId: string): Promise<QueuedOutcome | undefined> => {
    // The state first: a job seen finished has its result written (read the other way round,
    // a job that finishes in between would look failed without a reason).
    const state = await queue.getJobState(jobIdOf(webhookId))
    const stored: Job<QueuedDelivery, SendOutcome> | undefined = await queue.getJob(jobIdOf(webhookId))
    if (stored === undefined) return undefined
    if (state === 'completed') return stored.returnvalue
    const last = lastAttempt(stored.progress)
    if (state === 'failed') return last ?? { ok: false, attempts: 0, durationMs: 0, webhookId, error: stored.failedReason }
    return queued(webhookId, stored.timestamp, last)
  }

  const dispatch = async (job: DeliveryJob): Promise<QueuedOutcome> => {
    const started = performance.now()
    const webhookId = typeof job?.webhookId === 'string' ? job.webhookId : ''
    const failed = (error: string): QueuedOutcome => ({ ok: false, attempts: 0, durationMs: Math.round(performance.now() - started), webhookId, error })
    if (webhookId === '' || job.v !== 1 || typeof job.headers !== 'object' || job.headers === null) return failed('invalid job: not a version 1 delivery job')
    const adding = queue.add(job.event, { delivery: job, seal: seal(keys, job) }, { ...jobOptions, jobId: jobIdOf(webhookId) })
    let added: Job<QueuedDelivery, SendOutcome>
    try {
      added = await within(adding, enqueueTimeoutMs, redisLate(enqueueTimeoutMs, 'storing the job'))
    } catch (err) {
      return failed(`queue unavailable: ${(err as Error).message}`)
    }
    if (events === undefined) return queued(webhookId, added.timestamp, undefined)
    const finished = added.waitUntilFinished(events, waitMs)
    try {
      return await within(finished, waitMs + enqueueTimeoutMs, redisLate(waitMs + enqueueTimeoutMs, 'waiting for the outcome'))
    } catch {
      // Failed for good, or not finished in time: what the queue keeps says which.
      const kept = await within(outcome(webhookId), enqueueTimeoutMs, redisLate(enqueueTimeoutMs, 'reading the outcome')).catch(() => undefined)
      return kept ?? queued(webhookId, added.timestamp, undefined)
    }
  }

  return {
    dispatch,
    outcome,
    queue,
    close: async () => { await Promise.all([queue.close(), events?.close()]) },
  }
}
