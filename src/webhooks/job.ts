/**
 * The delivery job: what a send is made of (options, outcome, the JSON job a queue can store),
 * the checks of a message's options, and {@link prepareDelivery}, which turns a payload into a
 * job. Every failure becomes an outcome value, never a throw.
 */
import { validateHeaderName, validateHeaderValue } from 'node:http'
import { performance } from 'node:perf_hooks'
import { errorDetail, RoutecraftError } from '../errors.js'
import { HTTP_TOKEN } from '../common/http.js'
import { describeIssues } from './codec.js'
import type { WebhookCodec } from './codec.js'
import { newWebhookId } from './sign.js'
import { assertPublicTarget, refuseUrl, TargetRefusedError } from './ssrf.js'
import type { ResolveAll } from './ssrf.js'


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
  /**
   * Per attempt: the answer's headers must arrive within it (and its body is cut off at it).
   * Default 10 000; at most 2³¹ − 1 (Node's timer limit), more is an `invalid options` outcome.
   */
  timeoutMs?: number
  retry?: {
    /** Total tries, the first included. Default 3. */
    attempts: number
    /** Default 500. */
    minDelayMs?: number
    /** Also caps `Retry-After`. Default 30 000; at most 2³¹ − 1, like `minDelayMs`. */
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
 * the signal aborts; a wait never outlasts its delay on a real timer, so a `sleep` that never
 * settles cannot wedge a send), `random` draws the jitter in [0, 1] (anything else counts as
 * 1), `resolve` replaces DNS for the SSRF guard.
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
  /**
   * Makes each attempt instead of an HTTP request (test doubles such as `captureWebhooks` of
   * `routecraft/testing`, runtimes with an HTTP client of their own). It receives the request
   * exactly as it would be sent, signature included; a rejection is a network error (its
   * `code`, or its message). The attempt's deadline (`timeoutMs`) and the abort signal apply
   * as to an HTTP request: a transport that never settles ends as `timeout` (what it answers
   * later is ignored), and an answer that is not `{ status }` with an integer status from
   * 100 to 599 is `invalid transport answer`.
   */
  transport?: WebhookTransport
}

/**
 * One attempt as a {@link DeliveryHooks.transport} sees it: the signed request, ready to send.
 *
 * @example
 * ```ts
 * const transport: WebhookTransport = async (request: WebhookRequest) => { sent.push(request); return { status: 200 } }
 * ```
 */
export interface WebhookRequest {
  readonly url: URL
  readonly method: string
  /** Lower-case names: the extra headers, content type and length, and the `webhook-*` three. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/**
 * Performs one attempt: the receiver's status and headers, or a rejection for a network error.
 *
 * @example
 * ```ts
 * const refuse: WebhookTransport = async () => { throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }
 * ```
 */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number; headers?: Record<string, string | undefined> }>

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


// A '.' would make "<id>.<timestamp>.<body>" ambiguous; spaces and controls break the header.
const webhookIdShape = /^[!-\-/-~]{1,256}$/
const reservedHeaders = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'content-length', 'transfer-encoding', 'host', 'connection'])

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
  if (typeof method !== 'string' || !HTTP_TOKEN.test(method)) return 'method must be an HTTP method token'
  // A CONNECT answer is a tunnel, not a delivery: Node hands its socket over instead of a response.
  if (method.toUpperCase() === 'CONNECT') return 'method CONNECT cannot deliver a webhook'
  if (typeof webhookId !== 'string' || !webhookIdShape.test(webhookId)) return 'webhookId must be 1–256 printable ASCII characters without spaces or dots'
  const headers = checkHeaders(options.headers)
  if (typeof headers === 'string') return headers
  return { method: method.toUpperCase(), headers, webhookId }
}

export function checkJob (job: DeliveryJob): string | undefined {
  const shaped = typeof job === 'object' && job !== null && job.v === 1 && typeof job.url === 'string' && typeof job.webhookId === 'string' && typeof job.method === 'string' &&
    typeof job.body === 'string' && typeof job.event === 'string'
  if (!shaped) return 'not a version 1 delivery job'
  const message = checkMessage(job)
  return typeof message === 'string' ? message : undefined
}

export function detailOf (err: unknown): string {
  // Hooks are user code: what they throw may be a Proxy, or have a throwing toString.
  try {
    if (err instanceof RoutecraftError) return err.detail
    return String(err instanceof Error ? err.message : err)
  } catch {
    return 'an error that cannot be described'
  }
}

export function refused (webhookId: string, started: number, error: string): SendOutcome {
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
  if (refusal !== undefined) return fail(errorDetail('RC_ERR_WEBHOOK_TARGET', 'refused', { reason: refusal }))
  if (options.allowPrivateNetwork !== true) {
    try {
      await assertPublicTarget(target, { resolve: options.resolve })
    } catch (err) {
      // A name that does not resolve now may resolve at delivery: only a refusal ends the send.
      if (err instanceof TargetRefusedError) return fail(err.detail)
    }
  }
  return {
    ok: true,
    job: { v: 1, event: codec.name, url: target.href, method: message.method, webhookId: message.webhookId, body, headers: message.headers, createdAt: Date.now() },
  }
}
