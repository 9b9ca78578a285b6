/**
 * Receivers under test: the request a real sender would make (headers and raw body, signed
 * per the Standard Webhooks spec), and fresh secrets.
 */
import { randomBytes } from 'node:crypto'
import { routecraftError } from '../errors.js'
import { describeIssues, type HasWebhookCodec } from '../webhooks/codec.js'
import { newWebhookId, signWebhook, type WebhookSecret } from '../webhooks/sign.js'
import { kUnchecked, type Unchecked } from './unchecked.js'

/**
 * Options of {@link signedWebhookRequest}.
 *
 * @example
 * ```ts
 * const options: SignedRequestOptions = { timestamp: new Date(Date.now() - 3600_000), id: 'msg_replayed' }
 * ```
 */
export interface SignedRequestOptions {
  /** When the message was signed: unix seconds or a Date. Default now (a stale one tests the tolerance). */
  timestamp?: number | Date
  /** The `webhook-id`. Default a fresh `msg_…` (the same one twice tests replay protection). */
  id?: string
}

/**
 * A signed webhook request: spread it into `inject`, or pass it to the test client.
 *
 * @example
 * ```ts
 * const { headers, body } = signedWebhookRequest(newSubscription, payload, secret)
 * await app.inject({ method: 'POST', url: '/hooks/subscriptions', headers, payload: body })
 * ```
 */
export interface SignedWebhookRequest {
  /** `content-type`, `user-agent`, `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
  headers: Record<string, string>
  /** The raw body, exactly the bytes that were signed. */
  body: string
}

/**
 * The headers and raw body a real sender would send for `payload`: validated and serialized by
 * the webhook's schema (undeclared fields removed), then signed with `secret`. Throws
 * `RC_ERR_TESTING_INPUT` for a payload the schema refuses; wrap it in `unchecked()` to sign
 * it as JSON anyway (to test how a receiver handles an invalid payload).
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret()
 * const signed = signedWebhookRequest(newSubscription, { username: 'rick', monthly_fee: 9.99, start_date: '2024-01-01T00:00:00Z' }, secret)
 * const res = await app.inject({ method: 'POST', url: '/hooks/subscriptions', headers: signed.headers, payload: signed.body })
 * ```
 */
export function signedWebhookRequest<T> (hook: HasWebhookCodec<T>, payload: T | Unchecked<unknown>, secret: WebhookSecret, options: SignedRequestOptions = {}): SignedWebhookRequest {
  let body: string
  if (typeof payload === 'object' && payload !== null && kUnchecked in payload) {
    body = JSON.stringify((payload as Unchecked<unknown>).value)
  } else {
    const valid = hook.codec.validate(payload)
    if (!valid.ok) throw routecraftError('RC_ERR_TESTING_INPUT', 'payload', { name: hook.codec.name, issues: describeIssues(valid.errors) })
    body = hook.codec.serialize(valid.value)
  }
  const { timestamp = new Date(), id = newWebhookId() } = options
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw routecraftError('RC_ERR_TESTING_INPUT', 'timestamp')
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'routecraft-webhooks',
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': signWebhook(secret, id, seconds, body),
    },
    body,
  }
}

/**
 * A fresh webhook secret: `whsec_` and the base64 of 32 random bytes.
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret() // 'whsec_…' (44 base64 characters)
 * ```
 */
export function generateWebhookSecret (): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}
