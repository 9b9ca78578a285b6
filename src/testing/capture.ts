/**
 * Captured webhooks: while a test runs, a webhook's `send()` still validates, serializes and
 * signs every message exactly as it would for a receiver, but hands each attempt to an
 * in-memory outbox instead of the network, and answers it as the test says (delivered, 503
 * then delivered, refused). `close()` puts the real `send()` back.
 */
import { routecraftError } from '../errors.js'
import { kOperation } from '../symbols.js'
import { sendWebhook, type SendOptions, type SendOutcome, type WebhookRequest } from '../webhooks/send.js'
import type { WebhookPlugin } from '../plugins/webhook.js'
import { isStatus } from '../common/http.js'

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/**
 * How a captured receiver answers one attempt: a status code, or a network error code
 * (`'ECONNREFUSED'`, `'ECONNRESET'`, …).
 *
 * @example
 * ```ts
 * const answers: AttemptAnswer[] = [503, 'ECONNRESET', 200]
 * ```
 */
export type AttemptAnswer = number | `E${string}`

/**
 * What the code under test sees: `'delivered'` (200), `'refused'` (every attempt's connection
 * refused), or the answers to successive attempts, the last one repeating (`[503, 200]`: 503,
 * then delivered on the retry). The send's own retry policy applies, without its waits.
 *
 * @example
 * ```ts
 * outbox.respondWith([503, 200])
 * ```
 */
export type CaptureOutcome = 'delivered' | 'refused' | readonly [AttemptAnswer, ...AttemptAnswer[]]

/** One attempt of a captured send: the request as it would have been sent, and its answer. */
export interface CapturedAttempt {
  /** Lower-case names, `webhook-id`, `webhook-timestamp` and `webhook-signature` included. */
  headers: Record<string, string>
  status?: number
  error?: string
}

/**
 * One `send()` made while capturing.
 *
 * @example
 * ```ts
 * const message = await outbox.next()
 * t.equal(message.payload.username, 'rick')
 * t.same(await verifyWebhook(newSubscription, message.body, message.headers, secret), message.payload)
 * ```
 */
export interface CapturedWebhook<T> {
  /** The event name. */
  event: string
  /** The target, as given to `send()`. */
  url: string
  method: string
  /** What was sent: the validated payload (undeclared fields removed); as given when the send never got that far. */
  payload: T
  /** The exact bytes signed and sent (UTF-8); `''` when the send ended before any attempt. */
  body: string
  /** The headers of the first attempt (`{}` when there was none). */
  headers: Record<string, string>
  /** `webhook-signature` of the first attempt (`''` when there was none). */
  signature: string
  webhookId: string
  attempts: CapturedAttempt[]
  /** What `send()` resolved to, as the code under test saw it. */
  outcome: SendOutcome
}

/** What decides the outcome: fixed, or per message. */
export type OutcomeRule<T> = CaptureOutcome | ((message: { event: string; url: string; payload: T }) => CaptureOutcome)

/**
 * Options of {@link captureWebhooks}.
 *
 * @example
 * ```ts
 * const outbox = captureWebhooks(newSubscription, { outcome: [503, 200], timeoutMs: 2000 })
 * ```
 */
export interface CaptureOptions<T> {
  /** Default `'delivered'`. */
  outcome?: OutcomeRule<T>
  /** How long `next()` waits by default. Default 10 000 ms. */
  timeoutMs?: number
}

/**
 * The messages captured from one or several webhooks.
 *
 * @example
 * ```ts
 * const outbox = captureWebhooks(itemCreated)
 * t.teardown(() => outbox.close())
 * ```
 */
export interface WebhookOutbox<T> {
  /** Every send so far, in the order they finished. */
  readonly sent: ReadonlyArray<CapturedWebhook<T>>
  /** The next message not yet taken by `next()`; waits for it (rejects after `timeoutMs`). */
  next(options?: { timeoutMs?: number }): Promise<CapturedWebhook<T>>
  /** Changes how the following sends are answered. */
  respondWith(outcome: OutcomeRule<T>): void
  /** Puts the real `send()` back; pending `next()` calls reject. Safe to call twice. */
  close(): void
}

/** The payload type of a webhook plugin. */
export type PayloadOf<H> = H extends WebhookPlugin<infer T> ? T : never

// ---------------------------------------------------------------------------------------------
// Capturing
// ---------------------------------------------------------------------------------------------

// Any payload type: a hook's codec takes and gives its payload, so no narrower type fits them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHook = WebhookPlugin<any>
type Send = AnyHook['send']

const captured = new WeakSet<object>()
// Nothing connects while capturing; host names pass the SSRF guard's DNS step as a public
// address would (literal private addresses are still refused, as they would be for real).
const noDns = async (): Promise<Array<{ address: string; family: number }>> => [{ address: '93.184.216.34', family: 4 }]
const noWait = async (): Promise<void> => {}

function validAnswer (answer: unknown): boolean {
  return typeof answer === 'number' ? isStatus(answer) : typeof answer === 'string' && /^E[A-Z0-9_]+$/.test(answer)
}

function answersOf (outcome: CaptureOutcome): readonly AttemptAnswer[] {
  if (outcome === 'delivered') return [200]
  if (outcome === 'refused') return ['ECONNREFUSED']
  if (!Array.isArray(outcome) || outcome.length === 0 || !outcome.every(validAnswer)) {
    throw routecraftError('RC_ERR_TESTING_CAPTURE', 'outcome')
  }
  return outcome
}

function checkHooks (hooks: readonly unknown[]): AnyHook[] {
  if (hooks.length === 0) throw routecraftError('RC_ERR_TESTING_CAPTURE', 'none')
  for (const hook of hooks) {
    const op = (hook as Partial<AnyHook> | null)?.[kOperation]
    if (op?.kind !== 'webhook' || typeof (hook as AnyHook).send !== 'function') throw routecraftError('RC_ERR_TESTING_CAPTURE', 'notWebhook')
    if (captured.has(hook as object)) throw routecraftError('RC_ERR_TESTING_CAPTURE', 'captured', { url: op.url })
  }
  if (new Set(hooks).size !== hooks.length) throw routecraftError('RC_ERR_TESTING_CAPTURE', 'twice')
  return hooks as AnyHook[]
}

/**
 * Captures every `send()` of `hook` (or of each hook in a list) until `close()`: each message
 * is validated, serialized and signed as for real, recorded with its headers and signature,
 * and answered as `outcome` says. Nothing reaches the network.
 *
 * @example
 * ```ts
 * const outbox = captureWebhooks(newSubscription, { outcome: [503, 200] })
 * t.teardown(() => outbox.close())
 * await client.request(subscribe, { body: { username: 'rick' }, expect: 201 })
 * const message = await outbox.next()
 * t.equal(message.attempts.length, 2)
 * t.equal(message.outcome.ok, true)
 * ```
 */
export function captureWebhooks<H extends AnyHook | readonly AnyHook[]> (hooks: H, options: CaptureOptions<PayloadOf<H extends readonly AnyHook[] ? H[number] : H>> = {}): WebhookOutbox<PayloadOf<H extends readonly AnyHook[] ? H[number] : H>> {
  type T = PayloadOf<H extends readonly AnyHook[] ? H[number] : H>
  const list = checkHooks(Array.isArray(hooks) ? hooks : [hooks])
  const { timeoutMs: defaultTimeout = 10_000 } = options
  let rule: OutcomeRule<T> = options.outcome ?? 'delivered'
  if (typeof rule !== 'function') answersOf(rule)
  const sent: Array<CapturedWebhook<T>> = []
  const waiters: Array<(message: CapturedWebhook<T> | Error) => void> = []
  let taken = 0
  let closed = false

  const record = (message: CapturedWebhook<T>): void => {
    sent.push(message)
    const waiter = waiters.shift()
    if (waiter !== undefined) {
      taken++
      waiter(message)
    }
  }

  const capture = (hook: AnyHook): Send => capturingSend<T>(hook, (url, payload) =>
    answersOf(typeof rule === 'function' ? rule({ event: hook.event, url, payload }) : rule), record)

  const originals = list.map(hook => Object.getOwnPropertyDescriptor(hook, 'send'))
  for (const hook of list) {
    captured.add(hook)
    Object.defineProperty(hook, 'send', { value: capture(hook), writable: true, configurable: true, enumerable: true })
  }

  return {
    sent,
    next ({ timeoutMs = defaultTimeout } = {}) {
      if (taken < sent.length) return Promise.resolve(sent[taken++] as CapturedWebhook<T>)
      if (closed) return Promise.reject(new Error('captureWebhooks: the outbox is closed'))
      return waitFor(waiters, timeoutMs, () => `${sent.length} sent so far, ${taken} taken by next()`)
    },
    respondWith (outcome) {
      if (typeof outcome !== 'function') answersOf(outcome)
      rule = outcome
    },
    close () {
      if (closed) return
      closed = true
      list.forEach((hook, i) => {
        Object.defineProperty(hook, 'send', originals[i] as PropertyDescriptor)
        captured.delete(hook)
      })
      for (const waiter of waiters.splice(0)) waiter(new Error('captureWebhooks: the outbox was closed while next() waited'))
    },
  }
}

/** A send() that answers each attempt as `answersFor` says and records the message. */
function capturingSend<T> (hook: AnyHook, answersFor: (url: string, payload: T) => readonly AttemptAnswer[], record: (message: CapturedWebhook<T>) => void): Send {
  return async (url, payload, sendOptions) => {
    const target = String(url)
    const answers = answersFor(target, payload as T)
    const attempts: CapturedAttempt[] = []
    let first: WebhookRequest | undefined
    const transport = async (request: WebhookRequest): Promise<{ status: number }> => {
      first ??= request
      const answer = answers[Math.min(attempts.length, answers.length - 1)] as AttemptAnswer
      const attempt: CapturedAttempt = { headers: { ...request.headers } }
      attempts.push(attempt)
      if (typeof answer === 'number') {
        attempt.status = answer
        return { status: answer }
      }
      attempt.error = `network error: ${answer}`
      throw Object.assign(new Error(answer), { code: answer })
    }
    const given: SendOptions = sendOptions ?? { secret: [] }
    const outcome = await sendWebhook(hook.codec, url, payload, { ...given, transport, sleep: noWait, resolve: noDns })
    const body = first?.body.toString('utf8') ?? ''
    record({
      event: hook.event,
      url: target,
      method: first?.method ?? (given.method ?? 'POST').toUpperCase(),
      payload: (first === undefined ? payload : JSON.parse(body)) as T,
      body,
      headers: { ...first?.headers },
      signature: first?.headers['webhook-signature'] ?? '',
      webhookId: outcome.webhookId,
      attempts,
      outcome,
    })
    return outcome
  }
}

/** The next message recorded, within `timeoutMs` (a waiter given an Error rejects: the outbox closed). */
function waitFor<M> (waiters: Array<(message: M | Error) => void>, timeoutMs: number, progress: () => string): Promise<M> {
  return new Promise((resolve, reject) => {
    const waiter = (message: M | Error): void => {
      clearTimeout(timer)
      if (message instanceof Error) reject(message)
      else resolve(message)
    }
    const timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(waiter), 1)
      reject(new Error(`captureWebhooks: no webhook sent within ${timeoutMs} ms (${progress()})`))
    }, timeoutMs)
    waiters.push(waiter)
  })
}
