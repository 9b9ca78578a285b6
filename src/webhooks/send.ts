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
import { Agent as HttpAgent, request as httpRequest, validateHeaderName, validateHeaderValue } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { performance } from 'node:perf_hooks'
import { describeIssues } from './codec.js'
import type { WebhookCodec } from './codec.js'
import { newWebhookId, signingKeys, signWithKeys } from './sign.js'
import { assertPublicTarget, publicOnlyLookup, refuseUrl, TargetRefusedError } from './ssrf.js'
import type { ResolveAll } from './ssrf.js'

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/**
 * Options of {@link sendWebhook} (and of `webhook(decl).send`).
 *
 * @example
 * ```ts
 * const options: SendOptions = { secret: process.env.WEBHOOK_SECRET!, timeoutMs: 5000, retry: { attempts: 5 } }
 * ```
 */
export interface SendOptions {
  /** `whsec_<base64>` (or bare base64); several during a rotation: one signature each. */
  secret: string | readonly string[]
  /** Per attempt, from the request to the response headers. Default 10 000. */
  timeoutMs?: number
  retry?: {
    /** Total tries, the first included. Default 3. */
    attempts: number
    /** Default 500. */
    minDelayMs?: number
    /** Also caps `Retry-After`. Default 30 000. */
    maxDelayMs?: number
  }
  /** Turns the SSRF guard off (tests, internal services). Default false. */
  allowPrivateNetwork?: boolean
  /** Extra request headers; the `webhook-*`, content and connection headers are routecraft's. */
  headers?: Record<string, string>
  /** Your own id (an idempotency key from your outbox, say). Default `msg_` + 128 random bits. */
  webhookId?: string
  /** Default POST. */
  method?: string
  /** Stops the current attempt and any further retry; the outcome's error is `aborted`. */
  signal?: AbortSignal
}

/**
 * What a send came to; JSON-serialisable. `status` is the last HTTP status the receiver
 * answered; `error` is set when the final attempt got no HTTP answer (or none was made:
 * `invalid payload: …`, `invalid options: …`, `invalid secret: …`, `refused target: …`,
 * `timeout`, `network error: …`, `aborted`).
 *
 * @example
 * ```ts
 * const outcome: SendOutcome = { ok: false, status: 503, attempts: 3, durationMs: 1840, webhookId: 'msg_x' }
 * ```
 */
export interface SendOutcome { ok: boolean; status?: number; attempts: number; durationMs: number; webhookId: string; error?: string }

/**
 * One message ready to deliver, as plain JSON a queue can store. It holds no secret: the
 * worker that delivers it has the secrets in its own configuration (look them up by `event`
 * or by your own metadata stored next to the job), so a queue dump never leaks a key.
 * `v` versions the shape so that a worker can recognise jobs written by another release.
 *
 * @example
 * ```ts
 * const prepared = await prepareDelivery(hook.codec, url, payload)
 * if (prepared.ok) await queue.add('webhook', prepared.job)
 * ```
 */
export interface DeliveryJob {
  readonly v: 1
  /** The event name (the codec's `name`). */
  readonly event: string
  readonly url: string
  readonly method: string
  /** Kept across every attempt, so receivers can dedupe. */
  readonly webhookId: string
  /** The serialized payload, exactly the bytes (UTF-8) that are signed and sent. */
  readonly body: string
  /** Extra headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** When the job was prepared (ms since the epoch), for workers that drop stale jobs. */
  readonly createdAt: number
}

/**
 * Options of {@link prepareDelivery}: what belongs to the message rather than to its delivery.
 *
 * @example
 * ```ts
 * const options: PrepareOptions = { webhookId: outboxRow.id, headers: { 'x-tenant': 'acme' } }
 * ```
 */
export type PrepareOptions = Pick<SendOptions, 'allowPrivateNetwork' | 'headers' | 'webhookId' | 'method'> & Pick<DeliveryHooks, 'resolve'>

/**
 * The result of {@link prepareDelivery}: a job, or the outcome that ends the send right away
 * (invalid payload, invalid options, refused target), with `attempts: 0`.
 *
 * @example
 * ```ts
 * const prepared: PrepareResult = await prepareDelivery(codec, url, payload)
 * ```
 */
export type PrepareResult = { ok: true; job: DeliveryJob } | { ok: false; outcome: SendOutcome }

/**
 * Seams for tests and special runtimes. `sleep` waits between attempts (resolve early when
 * the signal aborts), `random` draws the jitter in [0, 1), `resolve` replaces DNS for the
 * SSRF guard.
 *
 * @example
 * ```ts
 * const delays: number[] = []
 * await sendWebhook(codec, url, payload, { secret, sleep: async ms => { delays.push(ms) } })
 * ```
 */
export interface DeliveryHooks {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  random?: () => number
  resolve?: ResolveAll
}

/**
 * Options of {@link deliver}: the delivery policy, which belongs to the process that delivers.
 *
 * @example
 * ```ts
 * const options: DeliverOptions = { secret: secrets[job.event]!, retry: { attempts: 1 } }
 * ```
 */
export type DeliverOptions = Pick<SendOptions, 'secret' | 'timeoutMs' | 'retry' | 'allowPrivateNetwork' | 'signal'> & DeliveryHooks

/**
 * Where prepared jobs go. The default delivers in this process; a queue-backed dispatcher
 * (BullMQ, SQS, a database outbox) stores the job and lets a worker call {@link deliver}.
 *
 * @example
 * ```ts
 * const dispatcher: WebhookDispatcher = memoryDispatcher({ secret })
 * const prepared = await prepareDelivery(hook.codec, url, payload)
 * const outcome = prepared.ok ? await dispatcher.dispatch(prepared.job) : prepared.outcome
 * ```
 */
export interface WebhookDispatcher { dispatch(job: DeliveryJob): Promise<SendOutcome> }

// ---------------------------------------------------------------------------------------------
// Option checks (every failure becomes an outcome, never a throw)
// ---------------------------------------------------------------------------------------------

interface Policy { timeoutMs: number; attempts: number; minDelayMs: number; maxDelayMs: number }

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
// A '.' would make "<id>.<timestamp>.<body>" ambiguous; spaces and controls break the header.
const webhookIdShape = /^[!-\-/-~]{1,256}$/
const reservedHeaders = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'transfer-encoding', 'host', 'connection'])

function nonNegative (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function checkPolicy (options: DeliverOptions): Policy | string {
  const { timeoutMs = 10_000, retry } = options
  if (!nonNegative(timeoutMs) || timeoutMs === 0) return 'timeoutMs must be a positive number of milliseconds'
  if (retry === undefined) return { timeoutMs, attempts: 3, minDelayMs: 500, maxDelayMs: 30_000 }
  const { attempts, minDelayMs = 500, maxDelayMs = 30_000 } = retry
  if (!Number.isInteger(attempts) || attempts < 1) return 'retry.attempts must be an integer of at least 1'
  if (!nonNegative(minDelayMs) || !nonNegative(maxDelayMs)) return 'retry.minDelayMs and retry.maxDelayMs must be non-negative numbers'
  return { timeoutMs, attempts, minDelayMs, maxDelayMs }
}

function checkHeaders (headers: unknown): Record<string, string> | string {
  if (headers === undefined) return {}
  if (typeof headers !== 'object' || headers === null) return 'headers must be an object of strings'
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (reservedHeaders.has(lower)) return `the header ${lower} is set by routecraft`
    try {
      validateHeaderName(name)
      validateHeaderValue(name, value)
      if (typeof value !== 'string') throw new TypeError('not a string')
    } catch {
      return `the header ${JSON.stringify(name)} has an invalid name or value`
    }
    out[lower] = value
  }
  return out
}

function checkMessage (options: PrepareOptions): { method: string; headers: Record<string, string>; webhookId: string } | string {
  const { method = 'POST', webhookId = newWebhookId() } = options
  if (typeof method !== 'string' || !token.test(method)) return 'method must be an HTTP method token'
  if (typeof webhookId !== 'string' || !webhookIdShape.test(webhookId)) return 'webhookId must be 1–256 printable ASCII characters without spaces or dots'
  const headers = checkHeaders(options.headers)
  if (typeof headers === 'string') return headers
  return { method: method.toUpperCase(), headers, webhookId }
}

function checkJob (job: DeliveryJob): string | undefined {
  const shaped = typeof job === 'object' && job !== null && job.v === 1 && typeof job.url === 'string' && typeof job.webhookId === 'string' && typeof job.method === 'string' &&
    typeof job.body === 'string' && typeof job.event === 'string'
  if (!shaped) return 'not a version 1 delivery job'
  const message = checkMessage(job)
  return typeof message === 'string' ? message : undefined
}

function detailOf (err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return message.replace(/^RC_ERR_[A-Z_]+: /, '')
}

// ---------------------------------------------------------------------------------------------
// One attempt
// ---------------------------------------------------------------------------------------------

type Attempt = { status: number; retryAfter: string | undefined } | { error: string; retryable: boolean }

// Keep-alive pools, one per guard setting: a socket opened without the guard (to a private
// address) must never be reused by a guarded send to the same host name.
const agents = {
  guarded: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
  open: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
}

class AttemptTimeout extends Error {}
class AttemptAborted extends Error {}

function classify (err: unknown): Attempt {
  if (err instanceof AttemptTimeout) return { error: 'timeout', retryable: true }
  if (err instanceof AttemptAborted) return { error: 'aborted', retryable: false }
  if (err instanceof TargetRefusedError) return { error: `refused target: ${err.detail}`, retryable: false }
  const code = (err as NodeJS.ErrnoException).code
  return { error: `network error: ${code ?? (err as Error).message}`, retryable: true }
}

interface AttemptInput {
  url: URL
  job: DeliveryJob
  body: Buffer
  keys: Buffer[]
  timeoutMs: number
  guarded: boolean
  resolve: ResolveAll | undefined
  signal: AbortSignal | undefined
}

function attempt (input: AttemptInput): Promise<Attempt> {
  const { url, job, body, keys, timeoutMs, guarded, signal } = input
  return new Promise<Attempt>(resolve => {
    let settled = false
    const finish = (result: Attempt): void => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      resolve(result)
    }
    // Signed per attempt: the timestamp must be fresh or the receiver's tolerance rejects it.
    const timestamp = Math.floor(Date.now() / 1000)
    const headers: OutgoingHttpHeaders = {
      'user-agent': 'routecraft-webhooks',
      ...job.headers,
      'content-type': 'application/json',
      'content-length': body.length,
      'webhook-id': job.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWithKeys(keys, job.webhookId, timestamp, body),
    }
    const pool = guarded ? agents.guarded : agents.open
    const https = url.protocol === 'https:'
    const options = {
      method: job.method,
      headers,
      agent: https ? pool.https : pool.http,
      // Host names only: node never calls lookup for a literal IP, which refuseUrl has vetted.
      ...(guarded ? { lookup: publicOnlyLookup(input.resolve) } : {}),
    }
    const req = https ? httpsRequest(url, options) : httpRequest(url, options)
    const timer = setTimeout(() => req.destroy(new AttemptTimeout()), timeoutMs)
    const onAbort = (): void => { req.destroy(new AttemptAborted()) }
    signal?.addEventListener('abort', onAbort, { once: true })
    req.on('error', err => {
      clearTimeout(timer)
      finish(classify(err))
    })
    req.on('response', (res: IncomingMessage) => {
      const retryAfter = res.headers['retry-after']
      finish({ status: res.statusCode!, retryAfter })
      // Drain so the socket goes back to the pool; the timer still bounds a body that never ends.
      res.on('error', () => {})
      res.on('close', () => clearTimeout(timer))
      res.resume()
    })
    req.end(body)
  })
}

// ---------------------------------------------------------------------------------------------
// Retry policy
// ---------------------------------------------------------------------------------------------

function retryable (status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** `Retry-After` as delay-seconds or an HTTP-date, in ms; undefined when absent or unreadable. */
function retryAfterMs (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function defaultSleep (ms: number, signal?: AbortSignal): Promise<void> {
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

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

function refused (webhookId: string, started: number, error: string): SendOutcome {
  return { ok: false, attempts: 0, durationMs: Math.round(performance.now() - started), webhookId, error }
}

/**
 * Validates the payload (undeclared fields removed), serializes it once, checks the target
 * against the SSRF guard, and returns a {@link DeliveryJob}, or the outcome that ends the send
 * (`attempts: 0`). Never rejects.
 *
 * @example
 * ```ts
 * const prepared = await prepareDelivery(newSubscription.codec, 'https://hooks.example.com/in', payload)
 * if (!prepared.ok) console.warn(prepared.outcome.error)
 * ```
 */
export async function prepareDelivery<T> (codec: WebhookCodec<T>, url: string | URL, payload: T, options: PrepareOptions = {}): Promise<PrepareResult> {
  const started = performance.now()
  const message = checkMessage(options)
  const fail = (error: string, webhookId = typeof message === 'string' ? '' : message.webhookId): PrepareResult =>
    ({ ok: false, outcome: refused(webhookId, started, error) })
  if (typeof message === 'string') return fail(`invalid options: ${message}`)
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return fail('refused target: not a valid URL')
  }
  let body: string
  try {
    const valid = codec.validate(payload)
    if (!valid.ok) return fail(`invalid payload: ${describeIssues(valid.errors)}`)
    body = codec.serialize(valid.value)
    if (typeof body !== 'string') return fail('invalid payload: the codec did not serialize to a string')
  } catch (err) {
    return fail(`invalid payload: ${detailOf(err)}`)
  }
  const refusal = refuseUrl(target, options.allowPrivateNetwork === true)
  if (refusal !== undefined) return fail(`refused target: ${refusal}`)
  if (options.allowPrivateNetwork !== true) {
    try {
      await assertPublicTarget(target, { resolve: options.resolve })
    } catch (err) {
      // A name that does not resolve now may resolve at delivery: only a refusal ends the send.
      if (err instanceof TargetRefusedError) return fail(`refused target: ${err.detail}`)
    }
  }
  return {
    ok: true,
    job: { v: 1, event: codec.name, url: target.href, method: message.method, webhookId: message.webhookId, body, headers: message.headers, createdAt: Date.now() },
  }
}

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
  const started = performance.now()
  const webhookId = typeof job?.webhookId === 'string' ? job.webhookId : ''
  const jobProblem = checkJob(job)
  if (jobProblem !== undefined) return refused(webhookId, started, `invalid job: ${jobProblem}`)
  const policy = checkPolicy(options)
  if (typeof policy === 'string') return refused(webhookId, started, `invalid options: ${policy}`)
  let keys: Buffer[]
  try {
    keys = signingKeys(options.secret)
  } catch (err) {
    return refused(webhookId, started, `invalid secret: ${detailOf(err)}`)
  }
  let url: URL
  try {
    url = new URL(job.url)
  } catch {
    return refused(webhookId, started, 'refused target: not a valid URL')
  }
  const guarded = options.allowPrivateNetwork !== true
  const refusal = refuseUrl(url, !guarded)
  if (refusal !== undefined) return refused(webhookId, started, `refused target: ${refusal}`)

  const { signal, sleep = defaultSleep, random = Math.random } = options
  const body = Buffer.from(job.body)
  let attempts = 0
  let status: number | undefined
  let error: string | undefined
  for (;;) {
    if (signal?.aborted === true) {
      error = 'aborted'
      break
    }
    attempts++
    const result = await attempt({ url, job, body, keys, timeoutMs: policy.timeoutMs, guarded, resolve: options.resolve, signal })
    let again: boolean
    let wait: number | undefined
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
      await sleep(wait === undefined ? Math.floor(random() * ceiling) : Math.min(policy.maxDelayMs, wait), signal)
    } catch (err) {
      // The hooks are user code; "never rejects" holds for them too.
      error = `internal error: ${detailOf(err)}`
      break
    }
  }
  const outcome: SendOutcome = { ok: status !== undefined && error === undefined && status >= 200 && status < 300, attempts, durationMs: Math.round(performance.now() - started), webhookId }
  if (status !== undefined) outcome.status = status
  if (error !== undefined) outcome.error = error
  return outcome
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
