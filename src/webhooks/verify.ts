/**
 * Receiving webhooks: authenticate the raw bytes, then trust them.
 *
 * The order matters: nothing about a message is believed before its signature checks out
 * (so a forged message is `bad-signature` whatever else is wrong with it), the timestamp is
 * checked once it is known to be authentic, the id is recorded only for authentic messages,
 * and the body is parsed only then.
 */
import sjson from 'secure-json-parse'
import { describeIssues } from './codec.js'
import type { HasWebhookCodec, ValidationIssue } from './codec.js'
import type { ReplayStore } from './replay-store.js'
import { signingKeys, verifySignature } from './sign.js'
import { errorDetail, RoutecraftError, routecraftError } from '../errors.js'

/**
 * Why a received webhook was rejected.
 *
 * @example
 * ```ts
 * const reason: VerificationFailure = 'stale-timestamp'
 * ```
 */
export type VerificationFailure = 'missing-headers' | 'bad-signature' | 'stale-timestamp' | 'replay' | 'invalid-json' | 'invalid-payload'

/**
 * A received webhook that failed verification (`RC_ERR_WEBHOOK_VERIFY`). `errors` holds the
 * validation issues when `reason` is `invalid-payload` and is empty otherwise.
 *
 * A receiver usually answers 401 for `bad-signature`/`missing-headers`/`stale-timestamp`,
 * 200 or 409 for `replay` (the message already arrived), 400 or 422 for the rest.
 *
 * @example
 * ```ts
 * try { await verifyWebhook(hook, raw, headers, secret) }
 * catch (err) { if (err instanceof WebhookVerificationError && err.reason === 'replay') return reply.code(200).send() }
 * ```
 */
export class WebhookVerificationError extends RoutecraftError {
  override name = 'WebhookVerificationError'
  readonly reason: VerificationFailure
  readonly errors: ValidationIssue[]

  constructor (reason: VerificationFailure, message: string, errors: ValidationIssue[] = []) {
    super('RC_ERR_WEBHOOK_VERIFY', errorDetail('RC_ERR_WEBHOOK_VERIFY', 'failed', { reason, problem: message }))
    this.reason = reason
    this.errors = errors
  }
}

/**
 * Options of {@link verifyWebhook}.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { replayStore: memoryReplayStore(), toleranceSeconds: 120 }
 * ```
 */
export interface VerifyOptions {
  /** Rejects a `webhook-id` seen before; records each verified id for twice the tolerance. */
  replayStore?: ReplayStore
  /** How far `webhook-timestamp` may be from now, either way. Default 300. */
  toleranceSeconds?: number
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number
}

/** The headers of a received webhook: Node's (`request.headers`) or a Fetch `Headers`. */
export type HeaderBag = Record<string, string | string[] | undefined> | Headers

/** One header as a string, or undefined: anything else a caller or a proxy put there is no header. */
function text (value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

function readHeaders (headers: unknown): (name: string) => string | undefined {
  if (headers instanceof Headers) return name => headers.get(name) ?? undefined
  const lower = new Map<string, unknown>()
  // Whatever was passed (null, a number, an object with throwing getters), a header that
  // cannot be read is a missing header, never a TypeError.
  try {
    if (typeof headers === 'object' && headers !== null) {
      for (const [name, value] of Object.entries(headers)) lower.set(name.toLowerCase(), value)
    }
  } catch {
    lower.clear()
  }
  return name => {
    const value = lower.get(name)
    if (!Array.isArray(value)) return text(value)
    const values = value.map(text)
    if (values.includes(undefined)) return undefined
    // Several signature headers are several signatures; several ids or timestamps that
    // disagree are no id or timestamp at all.
    if (name === 'webhook-signature') return values.join(' ')
    return new Set(values).size === 1 ? values[0] : undefined
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Verifies a received webhook and returns its typed, validated payload (undeclared fields
 * removed), or throws {@link WebhookVerificationError} with a `reason`.
 *
 * Pass the raw body exactly as received (not a parsed object: the signature covers the
 * bytes). Asynchronous because a replay store may be (Redis). A secret that is not
 * `whsec_`/base64 throws `RC_ERR_WEBHOOK_SECRET`, a bad option `RC_ERR_WEBHOOK_OPTION`.
 *
 * @example
 * ```ts
 * await app.register(route({
 *   method: 'POST', url: '/hooks/subscriptions', rawBody: true,
 *   handler: async function receive ({ body, request }) {
 *     const subscription = await verifyWebhook(newSubscription, body, request.headers,
 *       process.env.WEBHOOK_SECRET!, { replayStore })
 *     // subscription: { username: string, monthly_fee: number, start_date: string }
 *     return { received: true }
 *   },
 * }))
 * ```
 */
export async function verifyWebhook<T> (hook: HasWebhookCodec<T>, rawBody: string | Buffer | Uint8Array, headers: HeaderBag, secret: string | readonly string[], options: VerifyOptions = {}): Promise<T> {
  signingKeys(secret)
  const { replayStore, toleranceSeconds = 300, now = Date.now } = options
  if (typeof toleranceSeconds !== 'number' || !(toleranceSeconds > 0) || !Number.isFinite(toleranceSeconds)) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'tolerance')
  }
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    throw routecraftError('RC_ERR_WEBHOOK_OPTION', 'rawBody')
  }

  const header = readHeaders(headers)
  const id = header('webhook-id')
  const timestamp = header('webhook-timestamp')
  const signature = header('webhook-signature')
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError('missing-headers', 'webhook-id, webhook-timestamp and webhook-signature are required')
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('missing-headers', 'webhook-timestamp must be a unix time in seconds')
  }
  if (!verifySignature(secret, id, timestamp, rawBody, signature)) {
    throw new WebhookVerificationError('bad-signature', 'no signature matches the body under the given secret(s)')
  }
  if (Math.abs(Math.floor(now() / 1000) - Number(timestamp)) > toleranceSeconds) {
    throw new WebhookVerificationError('stale-timestamp', `webhook-timestamp is more than ${toleranceSeconds} s away from now`)
  }
  if (replayStore !== undefined) {
    // Twice the tolerance: a timestamp up to `tolerance` in the future stays acceptable for
    // two windows.
    const ttlMs = 2 * toleranceSeconds * 1000
    const fresh = replayStore.addIfAbsent !== undefined
      ? await replayStore.addIfAbsent(id, ttlMs)
      : !(await replayStore.has(id)) && (await replayStore.add(id, ttlMs), true)
    if (!fresh) throw new WebhookVerificationError('replay', `webhook-id ${JSON.stringify(id)} was already received`)
  }

  let value: unknown
  try {
    value = sjson.parse(typeof rawBody === 'string' ? rawBody : utf8.decode(rawBody), { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    throw new WebhookVerificationError('invalid-json', `the body is not valid UTF-8 JSON (${(err as Error).message})`)
  }
  const valid = hook.codec.validate(value)
  if (!valid.ok) throw new WebhookVerificationError('invalid-payload', describeIssues(valid.errors), valid.errors)
  return valid.value
}
